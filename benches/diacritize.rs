//! Throughput of the diacritize stage (both models) on one thread: news-like sentences
//! written for this benchmark, normalized first as a build does, one sentence per call and
//! all of them in one call (the models read them in batches); and, when the shared data
//! is there (`../shared/diacritization/catt-news/input.txt`), the 372 news sentences of the
//! CATT benchmark's shared half in one call, the figure issue 17 asks for (speed only: the
//! accuracy is measured with `../shared/tools/der.py`). Sized for a small shared machine.
//! Run it alone (`RAYON_NUM_THREADS=1 cargo bench --bench diacritize`): the models use one
//! thread.

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

    let catt = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/diacritization/catt-news/input.txt");
    let Ok(text) = std::fs::read_to_string(&catt) else {
        eprintln!(
            "{} not found: the catt-news benchmark is skipped",
            catt.display()
        );
        return;
    };
    let news: Vec<_> = text.lines().map(normalize).collect();
    let mut g = c.benchmark_group("diacritize_catt_news");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(10));
    g.sample_size(10);
    g.throughput(Throughput::Elements(news.len() as u64));
    g.bench_function("sentences_together", |b| {
        b.iter(|| black_box(diacritize_all(black_box(&news), &lex, Options::default())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
