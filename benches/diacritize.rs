//! Throughput of the diacritize stage on one thread: news-like sentences written for this
//! benchmark (not the catt-news evaluation set), normalized first as a build does, one
//! sentence per call and all of them in one call (the model reads them in batches).
//! Sized for a small shared machine. Run it alone
//! (`RAYON_NUM_THREADS=1 cargo bench --bench diacritize`): the model uses one thread.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawi::diacritize::{diacritize, diacritize_all, Options};
use rawi::normalize::normalize;
use rawi::synth::bundled::lexicon::Lexicon;
use std::hint::black_box;
use std::time::Duration;

const SENTENCES: &str = "\
أعلنت وزارة الصحة اليوم عن تسجيل 12 إصابة جديدة في ثلاث ولايات بالجنوب
وقال المتحدث باسم الحكومة إن الاجتماع سيعقد الأسبوع المقبل في العاصمة
ارتفعت أسعار المواد الغذائية بنسبة 7% خلال الشهر الماضي مقارنة بالعام السابق
شارك أكثر من 300 طالب في المسابقة الوطنية التي نظمتها الجامعة
وأكد الوزير أن المشروع سيوفر فرص عمل للشباب في المناطق الداخلية
تراجع سعر صرف الدينار أمام اليورو في تعاملات السوق صباح الخميس
وتستعد الفرق المحلية لانطلاق الموسم الرياضي الجديد بعد توقف طويل
دعا رئيس البلدية السكان إلى الحد من استهلاك الماء خلال فصل الصيف
";

fn bench(c: &mut Criterion) {
    let lex = Lexicon::bundled();
    let spoken: Vec<_> = SENTENCES.lines().map(normalize).collect();
    // Load the model outside the measurement.
    for sp in &spoken {
        let _ = diacritize(sp, &lex, Options::default());
    }
    let mut g = c.benchmark_group("diacritize");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));
    g.sample_size(10);
    g.throughput(Throughput::Elements(spoken.len() as u64));
    g.bench_function("sentences", |b| {
        b.iter(|| {
            for sp in &spoken {
                let _ = black_box(diacritize(black_box(sp), &lex, Options::default()));
            }
        })
    });
    g.bench_function("sentences_together", |b| {
        b.iter(|| black_box(diacritize_all(black_box(&spoken), &lex, Options::default())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
