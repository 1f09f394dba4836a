//! Throughput of the normalizer over article text: every file in `samples/`, or, while
//! that folder is empty, a few number-dense paragraphs written for this benchmark.
//! Sized for a small shared machine: short warm-up and measurement. `RAWI_BENCH_DIR`
//! names another folder of articles to measure.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawi::normalize::normalize;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Number-dense news text, used when `samples/` holds no articles.
const FALLBACK: &str = "\
قتل 3 أشخاص وأصيب 12 آخرون في انفجار وقع صباح الاثنين 5 يناير/كانون الثاني 2022 في حي يسكنه نحو 45,000 نسمة، وقالت الشرطة إن 200 عنصر انتشروا في المنطقة.
ارتفع المؤشر العام للبورصة بنسبة ٣٫٥٪ إلى 12,480 نقطة، وبلغت قيمة التداولات 1.2 مليار دولار، فيما تراجع سعر برميل النفط إلى $78.40 بعد أن سجل 81 دولارا الأسبوع الماضي.
وتستضيف المدينة الدورة الـ35 من المعرض بين 10 و15 مارس، بمشاركة 450 شركة من 21 دولة، ويتوقع المنظمون أكثر من 275 ألف زائر خلال 6 أيام.
وقالت الأرصاد إن درجات الحرارة ستبلغ 40° في الجنوب، مع رياح تصل سرعتها إلى 60 كم/ساعة، وأمطار قد تبلغ 25 ملم حتى الساعة 8:00 مساء.
وفي عام 1991 وقعت الدولتان اتفاقا لمدة 10 سنوات، جدد في 2001 ثم في 2011، وتضمن تمويلا قدره 275 مليون دولار على 3 مراحل بين عامي 2010 و2015.
وسجل الفريق 3 أهداف في الشوط الأول وفاز 3-1 على ضيفه، ليرفع رصيده إلى 52 نقطة في المركز 2 قبل 7 جولات من النهاية.
";

fn corpus() -> String {
    // RAWI_BENCH_DIR points the benchmark at another folder of articles.
    let dir = std::env::var_os("RAWI_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"));
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths.iter().filter(|p| p.is_file()) {
            if let Ok(s) = std::fs::read_to_string(p) {
                text.push_str(&s);
                text.push('\n');
            }
        }
    }
    if text.trim().is_empty() {
        text = FALLBACK.repeat(20);
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let lines: Vec<&str> = text.lines().collect();
    // Load the lexicons before measuring: they are built once per process.
    let _ = normalize("5 دول");
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.sample_size(20);
    g.bench_function("article-lines", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(normalize(black_box(l)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
