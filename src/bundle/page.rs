//! `index.html`: an offline read-along page. One self-contained file (inline CSS and
//! JavaScript, no network): it plays the bundle's audio, highlights the sentence being
//! read and scrolls to it, and a click (or Enter) on a sentence seeks there. Right to left,
//! Arabic, readable on a phone.

use super::manifest::Manifest;

/// Escapes text for HTML element content and attribute values: the XML escaping of the
/// feed serves HTML too (`&apos;` is an HTML5 entity).
pub use super::feed::escape;

const STYLE: &str = r#"
:root{color-scheme:light dark;--hl:#ffe58a;--fg:#1b1b1b;--bg:#fdfcf8;--muted:#666}
@media (prefers-color-scheme:dark){:root{--hl:#5b4a00;--fg:#eee;--bg:#151515;--muted:#aaa}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font-family:"Noto Naskh Arabic","Amiri","Scheherazade New",system-ui,sans-serif;font-size:1.2rem;line-height:1.9}
header{position:sticky;top:0;background:var(--bg);padding:.5rem 1rem;border-bottom:1px solid #8884;z-index:1}
audio{width:100%}
main{max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.5}
h2{font-size:1.3rem;line-height:1.5}
blockquote{margin:1rem 0;padding-inline-start:1rem;border-inline-start:4px solid #8886}
.dateline{font-weight:bold;margin-bottom:0}
.source,.caption{color:var(--muted);font-size:1rem}
.s{cursor:pointer;border-radius:.3rem;transition:background-color .2s}
.s:hover{outline:1px dotted #8888}
.s.active{background:var(--hl)}
nav ol{padding-inline-start:1.5rem}
a{color:inherit}
@media (max-width:30rem){body{font-size:1.1rem}main{padding:.75rem}}
"#;

const SCRIPT: &str = r#"
(function () {
  var audio = document.getElementById('audio');
  var cues = Array.prototype.map.call(document.querySelectorAll('.s'), function (el) {
    return { el: el, start: Number(el.dataset.start) / 1000 };
  });
  var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var current = null;
  // The sentence being read: the last one that started at or before t (during the pause
  // after a sentence, it stays lit until the next begins).
  function find(t) {
    var lo = 0, hi = cues.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (cues[mid].start <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found < 0 ? null : cues[found];
  }
  function update() {
    var c = find(audio.currentTime);
    if (c === current) return;
    if (current) { current.el.classList.remove('active'); current.el.removeAttribute('aria-current'); }
    current = c;
    if (c) {
      c.el.classList.add('active');
      c.el.setAttribute('aria-current', 'true');
      c.el.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
    }
  }
  function tick() { update(); if (!audio.paused) requestAnimationFrame(tick); }
  audio.addEventListener('timeupdate', update);
  audio.addEventListener('seeked', update);
  audio.addEventListener('play', function () { requestAnimationFrame(tick); });
  cues.forEach(function (c) {
    function seek() {
      audio.currentTime = c.start;
      update();
      var p = audio.play();
      if (p && p.catch) p.catch(function () {});
    }
    c.el.addEventListener('click', seek);
    c.el.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); seek(); }
    });
  });
})();
"#;

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n",
        escape(title)
    )
}

/// The read-along page of one edition; the audio path is the manifest's, relative.
pub fn edition(m: &Manifest) -> String {
    let mut out = head(&m.article.title);
    out.push_str(&format!(
        "<body>\n<header><audio id=\"audio\" controls preload=\"metadata\" src=\"{}\"></audio></header>\n<main>\n",
        escape(&m.audio.path)
    ));
    let mut i = 0;
    while i < m.sentences.len() {
        let block = m.sentences[i].block;
        let kind = m.sentences[i].kind.as_str();
        let (open, close) = match kind {
            "title" => ("<h1>".to_owned(), "</h1>"),
            "heading" => ("<h2>".to_owned(), "</h2>"),
            "quote" => ("<blockquote><p>".to_owned(), "</p></blockquote>"),
            "paragraph" => ("<p>".to_owned(), "</p>"),
            other => (format!("<p class=\"{other}\">"), "</p>"),
        };
        out.push_str(&open);
        let mut first = true;
        while i < m.sentences.len() && m.sentences[i].block == block {
            let s = &m.sentences[i];
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(&format!(
                "<span class=\"s\" id=\"s{}\" data-start=\"{}\" data-end=\"{}\" tabindex=\"0\">{}</span>",
                s.id,
                s.start_ms,
                s.end_ms,
                escape(&s.text)
            ));
            i += 1;
        }
        out.push_str(close);
        out.push('\n');
    }
    out.push_str("</main>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// One row of a podcast's index page.
pub struct EpisodeLink<'a> {
    /// Episode title.
    pub title: &'a str,
    /// Folder of the episode, relative.
    pub dir: &'a str,
    /// Length in milliseconds.
    pub duration_ms: u64,
}

/// The podcast's index page: its title and description, and a link to each episode's
/// read-along page.
pub fn podcast(title: &str, description: &str, episodes: &[EpisodeLink]) -> String {
    let mut out = head(title);
    out.push_str(&format!(
        "<body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n<nav><ol>\n",
        escape(title),
        escape(description)
    ));
    for e in episodes {
        out.push_str(&format!(
            "<li><a href=\"{}/index.html\">{}</a> <span class=\"source\">({}:{:02})</span></li>\n",
            escape(e.dir),
            escape(e.title),
            e.duration_ms / 60_000,
            e.duration_ms / 1000 % 60
        ));
    }
    out.push_str("</ol></nav>\n</main>\n</body>\n</html>\n");
    out
}
