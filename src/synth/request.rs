//! A speech request built from a voice file's description ([`HttpSpec`]): the URL with
//! its placeholders filled, the headers (secret ones read from environment variables),
//! the body from a JSON or SSML template with the text escaped for each, and the audio
//! taken out of the answer. Pure functions of the description and the text, so that each
//! can be tested alone; the engine in `http.rs` sends what these build.

use std::collections::BTreeMap;

use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::text::xml_escape;
use crate::voice::{fill, AnswerKind, HttpMethod, HttpSpec};

/// What a URL placeholder's value may keep as it is; everything else is percent-encoded,
/// so a voice id or a region can never add a path segment or a query.
const URL_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A request template ready to be filled with a sentence: environment variables read
/// once, when the voice is opened.
#[derive(Clone)]
pub struct Template {
    spec: HttpSpec,
    /// Values of `[http.env]` placeholders.
    env: BTreeMap<String, String>,
    /// Headers sent with every request: the voice file's, then the secret ones.
    headers: Vec<(String, String)>,
    /// The secret values, to take out of any message.
    secrets: Vec<String>,
    /// Pause written as `<break>` after a clause in SSML, if the voice asks for it.
    clause_break_ms: Option<u32>,
}

/// One request, ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The method.
    pub method: HttpMethod,
    /// The URL, placeholders filled.
    pub url: String,
    /// Every header to send (the SigV4 ones are added by the engine).
    pub headers: Vec<(String, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
}

/// The environment variables a request description reads (`[http.env]`, secret
/// headers, `api_key_env`), as (variable, the field that names it).
fn variables(spec: &HttpSpec) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = spec
        .env
        .iter()
        .map(|(name, var)| (var.clone(), format!("[http.env] {name}")))
        .collect();
    v.extend(
        spec.secret_headers
            .iter()
            .map(|(name, var)| (var.clone(), format!("[http.secret_headers] {name}"))),
    );
    v.extend(
        spec.api_key_env
            .iter()
            .map(|var| (var.clone(), "[http] api_key_env".to_owned())),
    );
    v
}

/// The value of each variable the description reads; the error names every one that
/// is unset, with its field, so one run tells the user all there is to export.
fn read_variables(spec: &HttpSpec) -> Result<BTreeMap<String, String>, String> {
    let mut values = BTreeMap::new();
    let mut missing = Vec::new();
    for (var, field) in variables(spec) {
        match std::env::var(&var) {
            Ok(v) if !v.trim().is_empty() => {
                values.insert(var, v.trim().to_owned());
            }
            _ => missing.push(format!("{var} ({field})")),
        }
    }
    if spec.sigv4.is_some() {
        for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            if std::env::var(var).map_or(true, |v| v.trim().is_empty()) {
                missing.push(format!("{var} ([http.sigv4])"));
            }
        }
    }
    match missing.len() {
        0 => Ok(values),
        1 => Err(format!(
            "the variable {} is not set; export it before running rawi",
            missing[0]
        )),
        _ => Err(format!(
            "the variables {} are not set; export them before running rawi",
            missing.join(", ")
        )),
    }
}

impl Template {
    /// Prepares the template of `spec`: reads the `[http.env]`, secret-header and
    /// token variables (and checks the AWS ones of a signed voice), which must all be
    /// set. `clause_ms` is the voice's clause pause.
    pub fn new(spec: &HttpSpec, clause_ms: u32) -> Result<Template, String> {
        let values = read_variables(spec)?;
        let value = |var: &String| values.get(var).cloned().unwrap_or_default();
        let env = spec
            .env
            .iter()
            .map(|(name, var)| (name.clone(), value(var)))
            .collect();
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut secrets = Vec::new();
        for (name, template) in &spec.headers {
            headers.push((name.clone(), fill(template, |p| spec_value(spec, p))));
        }
        for (name, var) in &spec.secret_headers {
            secrets.push(value(var));
            headers.push((name.clone(), value(var)));
        }
        if let Some(var) = &spec.api_key_env {
            headers.push(("Authorization".into(), format!("Bearer {}", value(var))));
            secrets.push(value(var));
        }
        let has = |h: &[(String, String)], name: &str| {
            h.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let content_type = match (&spec.json, &spec.ssml) {
            (None, Some(_)) => "application/ssml+xml",
            _ => "application/json",
        };
        if spec.method != HttpMethod::Get && !has(&headers, "content-type") {
            headers.push(("Content-Type".into(), content_type.into()));
        }
        Ok(Template {
            spec: spec.clone(),
            env,
            headers,
            secrets,
            clause_break_ms: spec.ssml_clause_breaks.then_some(clause_ms),
        })
    }

    /// The secret values this template sends (tokens, keys), to keep out of messages.
    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// A placeholder of `[http.env]`, filled (for the SigV4 region).
    pub fn fill_env(&self, template: &str) -> String {
        fill(template, |p| self.env.get(p).cloned())
    }

    /// The request for one sentence. `format` is the OpenAI `response_format` name used
    /// by the default body.
    pub fn prepare(&self, text: &str, format: &str) -> Prepared {
        let spec = &self.spec;
        let url = fill(&spec.url, |p| {
            let v = match p {
                "text" => Some(text.to_owned()),
                _ => self.env.get(p).cloned().or_else(|| spec_value(spec, p)),
            }?;
            Some(utf8_percent_encode(&v, URL_VALUE).to_string())
        });
        let body = match spec.method {
            HttpMethod::Get => Vec::new(),
            _ => self.body(text, format),
        };
        Prepared {
            method: spec.method,
            url,
            headers: self.headers.clone(),
            body,
        }
    }

    /// The body: the JSON template, the SSML document, or OpenAI's JSON.
    fn body(&self, text: &str, format: &str) -> Vec<u8> {
        let spec = &self.spec;
        let ssml = spec.ssml.as_ref().map(|t| {
            let sentence = ssml_text(text, spec.ssml_latin_lang.as_deref(), self.clause_break_ms);
            fill(t, |p| match p {
                "text" => Some(sentence.clone()),
                _ => spec_value(spec, p).map(|v| xml_escape(&v)),
            })
        });
        match (&spec.json, ssml) {
            (Some(json), ssml) => {
                let value = |p: &str| match p {
                    "text" => Some(text.to_owned()),
                    "ssml" => ssml.clone(),
                    _ => spec_value(spec, p),
                };
                let filled = fill_json(&toml::Value::Table(json.clone()), &value);
                filled.to_string().into_bytes()
            }
            (None, Some(ssml)) => ssml.into_bytes(),
            (None, None) => openai_body(spec, text, format).into_bytes(),
        }
    }
}

/// The value of a placeholder the voice file itself gives (`{voice}`, `{model}`).
fn spec_value(spec: &HttpSpec, name: &str) -> Option<String> {
    match name {
        "voice" => Some(spec.voice.clone()),
        "model" => Some(spec.model.clone()),
        _ => None,
    }
}

/// OpenAI's speech request: `model`, `voice`, `input`, `response_format` and the voice
/// file's `[http.extra]` fields.
fn openai_body(spec: &HttpSpec, text: &str, format: &str) -> String {
    let mut body = serde_json::Map::new();
    for (k, v) in &spec.extra {
        if let Ok(j) = serde_json::to_value(v) {
            body.insert(k.clone(), j);
        }
    }
    body.insert("model".into(), spec.model.clone().into());
    body.insert("voice".into(), spec.voice.clone().into());
    body.insert("input".into(), text.into());
    body.insert("response_format".into(), format.into());
    serde_json::Value::Object(body).to_string()
}

/// A TOML template as JSON, with the placeholders of every string filled. A string that
/// is exactly one placeholder becomes its value; the JSON writer escapes it.
fn fill_json(v: &toml::Value, value: &dyn Fn(&str) -> Option<String>) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(fill(s, value)),
        toml::Value::Array(a) => a.iter().map(|x| fill_json(x, value)).collect(),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, x)| (k.clone(), fill_json(x, value)))
                .collect(),
        ),
        other => serde_json::to_value(other).unwrap_or(serde_json::Value::Null),
    }
}

/// Whether `c` is a letter of the Latin script (ASCII or accented).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}' if c.is_alphabetic())
}

/// The sentence as SSML content: escaped, each run of Latin-script words (with the
/// spaces, digits and `.-'&` between them) in `<lang xml:lang="LANG">` when a language is
/// given, and a `<break>` after each clause mark when a pause is given.
pub fn ssml_text(text: &str, latin_lang: Option<&str>, clause_break_ms: Option<u32>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let (Some(lang), true) = (latin_lang, is_latin_letter(c)) {
            // The run goes on through joiners as long as another Latin letter follows.
            let mut end = i;
            let mut j = i;
            while j < chars.len() {
                let d = chars[j];
                if is_latin_letter(d) || d.is_ascii_digit() {
                    end = j + 1;
                } else if !(d == ' ' || matches!(d, '.' | '-' | '\'' | '&')) {
                    break;
                }
                j += 1;
            }
            let run: String = chars[i..end].iter().collect();
            out.push_str(&format!(
                "<lang xml:lang=\"{}\">{}</lang>",
                xml_escape(lang),
                xml_escape(&run)
            ));
            i = end;
            continue;
        }
        out.push_str(&xml_escape(&c.to_string()));
        if let (Some(ms), true) = (clause_break_ms, matches!(c, '،' | '؛' | ',' | ';')) {
            out.push_str(&format!("<break time=\"{ms}ms\"/>"));
        }
        i += 1;
    }
    out
}

/// The audio in a server's answer: the body itself, or the base64 of a JSON field.
pub fn audio_of(
    payload: Vec<u8>,
    answer: AnswerKind,
    field: Option<&str>,
) -> Result<Vec<u8>, String> {
    if answer == AnswerKind::Audio {
        return Ok(payload);
    }
    let field = field.unwrap_or("audioContent");
    let json: serde_json::Value = serde_json::from_slice(&payload)
        .map_err(|e| format!("answered with JSON that cannot be read ({e})"))?;
    let mut at = &json;
    for part in field.split('.') {
        at = at.get(part).ok_or_else(|| {
            format!("answered without the field {field} (audio_field) holding the audio")
        })?;
    }
    let b64 = at
        .as_str()
        .ok_or_else(|| format!("answered with {field} (audio_field) that is not a string"))?;
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("answered with {field} (audio_field) that is not base64 ({e})"))
}

/// The message in a service's error answer, if it gives one in a known place: Google's
/// `error.message`, ElevenLabs' `detail.message` (or `detail`), Polly's `message` or
/// `Message`; else the start of the body as text.
pub fn service_message(payload: &[u8]) -> String {
    let text = String::from_utf8_lossy(payload);
    let from_json = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|j| {
            [
                "/error/message",
                "/detail/message",
                "/detail",
                "/message",
                "/Message",
                "/error",
            ]
            .iter()
            .find_map(|p| j.pointer(p).and_then(|v| v.as_str()).map(str::to_owned))
        });
    let msg = from_json.unwrap_or_else(|| text.trim().to_owned());
    msg.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssml_escapes_tags_and_breaks() {
        assert_eq!(
            ssml_text("قال <مدير> «أ&ب»", None, None),
            "قال &lt;مدير&gt; «أ&amp;ب»"
        );
        assert_eq!(
            ssml_text("فاز Real Madrid، ثم BBC-News.", Some("en-US"), Some(250)),
            "فاز <lang xml:lang=\"en-US\">Real Madrid</lang>،<break time=\"250ms\"/> ثم <lang xml:lang=\"en-US\">BBC-News</lang>."
        );
        // Without a language, Latin text is only escaped.
        assert_eq!(ssml_text("AT&T", None, None), "AT&amp;T");
        assert_eq!(
            ssml_text("AT&T", Some("en-US"), None),
            "<lang xml:lang=\"en-US\">AT&amp;T</lang>"
        );
    }

    fn spec(http: &str) -> HttpSpec {
        let toml = format!("name='x'\nengine='http'\n[http]\n{http}");
        crate::voice::Voice::from_toml(&toml, "t")
            .unwrap()
            .http
            .unwrap()
    }

    #[test]
    fn placeholders_are_filled_and_escaped_for_each_place() {
        let s = spec(
            "url='https://h/v1/tts/{voice}?q=1'\nvoice='a b/c'\nmodel='m'\n\
             [http.headers]\nX-Model='{model}'\n\
             [http.json]\ntext='{text}'\nmeta={ model='{model}', n=3, ok=true }",
        );
        let t = Template::new(&s, 250).unwrap();
        let p = t.prepare("قال \"لا\"\n\\ {voice}", "wav");
        assert_eq!(p.url, "https://h/v1/tts/a%20b%2Fc?q=1");
        assert!(p.headers.contains(&("X-Model".into(), "m".into())));
        assert!(p
            .headers
            .contains(&("Content-Type".into(), "application/json".into())));
        let body: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
        // The text is the text: quotes, a newline, a backslash and a brace pattern in it
        // survive, and its own {voice} is not a placeholder.
        assert_eq!(body["text"], "قال \"لا\"\n\\ {voice}");
        assert_eq!(
            body["meta"],
            serde_json::json!({"model": "m", "n": 3, "ok": true})
        );
    }

    #[test]
    fn an_ssml_body_and_the_openai_default() {
        let s = spec("url='http://h/'\nvoice='V&1'\nssml='<speak><voice name=\"{voice}\">{text}</voice></speak>'");
        let p = Template::new(&s, 250).unwrap().prepare("أ < ب", "wav");
        assert_eq!(
            String::from_utf8(p.body).unwrap(),
            "<speak><voice name=\"V&amp;1\">أ &lt; ب</voice></speak>"
        );
        assert!(p
            .headers
            .contains(&("Content-Type".into(), "application/ssml+xml".into())));
        let s = spec("url='http://h/'\nmodel='tts-1'\nvoice='alloy'\n[http.extra]\nspeed=0.9");
        let p = Template::new(&s, 250).unwrap().prepare("نص", "pcm");
        let body: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"model": "tts-1", "voice": "alloy", "input": "نص", "response_format": "pcm", "speed": 0.9})
        );
    }

    #[test]
    fn descriptions_that_cannot_work_are_refused_naming_the_field() {
        for (http, expect) in [
            ("url='https://{regoin}.h/'", "{regoin}"),
            ("url='http://h/'\nmethod='GET'", "{text} in the url"),
            ("url='http://h/'\nanswer='json'", "audio_field"),
            ("url='http://h/'\nssml='<speak/>'", "no {text}"),
            (
                "url='http://h/'\n[http.json]\ninput='{ssml}'",
                "no ssml template",
            ),
            (
                "url='http://h/'\n[http.json]\nvoice='x'",
                "no {text} or {ssml}",
            ),
            (
                "url='http://h/'\n[http.headers]\n'X-A'=\"a\\nb\"",
                "line break",
            ),
            (
                "url='http://h/'\n[http.headers]\n'X A'='a'",
                "not a header name",
            ),
            (
                "url='http://h/'\n[http.sigv4]\nservice='polly'\nregion=''",
                "[http.sigv4]",
            ),
        ] {
            let toml = format!("name='x'\nengine='http'\n[http]\n{http}");
            let e = crate::voice::Voice::from_toml(&toml, "v.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains(expect) && e.contains("v.toml"), "{http}: {e}");
        }
    }

    #[test]
    fn base64_answers() {
        let body = br#"{"audioContent": "UklGRg=="}"#.to_vec();
        assert_eq!(
            audio_of(body, AnswerKind::Json, Some("audioContent")).unwrap(),
            b"RIFF"
        );
        let e = audio_of(b"{}".to_vec(), AnswerKind::Json, Some("audioContent")).unwrap_err();
        assert!(e.contains("audio_field"), "{e}");
        let e = audio_of(br#"{"a":"%%"}"#.to_vec(), AnswerKind::Json, Some("a")).unwrap_err();
        assert!(e.contains("base64"), "{e}");
    }

    #[test]
    fn service_messages() {
        assert_eq!(
            service_message(br#"{"error":{"code":400,"message":"Voice  does not exist."}}"#),
            "Voice does not exist."
        );
        assert_eq!(
            service_message(br#"{"detail":{"status":"voice_not_found","message":"no voice"}}"#),
            "no voice"
        );
        assert_eq!(service_message(b"plain\nwords"), "plain words");
    }
}
