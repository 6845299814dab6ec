//! The reference framework (`framework/framework.toml`): areas, topics, their anchors in reference
//! instruments (with the confidence of each) and the cue words the classifier matches, compiled
//! into [`Cue`]s per language.
//!
//! The file is embedded in the binary ([`Framework::bundled`]); [`Framework::from_toml`] reads
//! another one (tests, experiments). Loading checks what the rest of the module relies on: unique
//! ids, every topic in a known area, every context name defined, every cue non-empty.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::search::analysis;

/// The framework file shipped with the project.
pub const BUNDLED: &str = include_str!("../../framework/framework.toml");

/// A language of cue words. Kazakh cues are also tried on Kyrgyz text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ru,
    En,
    Kk,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::En, Lang::Kk];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Kk => "kk",
        }
    }

    /// The Snowball stemmer bare cue tokens are compared with (Kazakh has none: whole words).
    pub fn stemmer(self) -> Option<frostem::Stemmer> {
        match self {
            Lang::Ru => Some(frostem::Stemmer::new(frostem::Algorithm::Russian)),
            Lang::En => Some(frostem::Stemmer::new(frostem::Algorithm::English)),
            Lang::Kk => None,
        }
    }

    /// The cue languages tried on a text in an ISO 639-2/T language (or, without one, guessed
    /// from the script of `sample`).
    pub fn for_text(lang: Option<&str>, sample: &str) -> Vec<Lang> {
        match lang.unwrap_or("") {
            "rus" | "bel" | "tgk" | "ukr" => vec![Lang::Ru],
            "eng" => vec![Lang::En],
            // Kazakh and Kyrgyz laws borrow Russian terms ("инцидент", "интернет-ресурс").
            "kaz" | "kir" => vec![Lang::Kk, Lang::Ru],
            _ => guess(sample),
        }
    }
}

fn guess(sample: &str) -> Vec<Lang> {
    let (mut cyr, mut lat, mut kaz) = (0usize, 0usize, 0usize);
    for ch in sample.chars().take(20_000) {
        match ch {
            'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і' | 'Ә' | 'Ғ' | 'Қ' | 'Ң' | 'Ө'
            | 'Ұ' | 'Ү' | 'Һ' | 'І' => {
                kaz += 1;
                cyr += 1
            }
            '\u{0400}'..='\u{04FF}' => cyr += 1,
            'a'..='z' | 'A'..='Z' => lat += 1,
            _ => {}
        }
    }
    if cyr == 0 && lat > 0 {
        vec![Lang::En]
    } else if kaz * 50 > cyr.max(1) {
        vec![Lang::Kk, Lang::Ru]
    } else {
        vec![Lang::Ru]
    }
}

/// How much a cue counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CueKind {
    /// Wording that is the topic itself ("гармонизация национального законодательства"): enough on
    /// its own (weight 3).
    Key,
    /// Specific wording (weight 2): with one more cue, or in a heading, enough.
    Strong,
    /// Weight 1.
    Normal,
    /// Weight 0.5.
    Weak,
    /// Counts only in a heading (weight 2, doubled there).
    Heading,
    /// Vetoes the topic for the clause.
    Exclude,
}

impl CueKind {
    pub fn weight(self) -> f32 {
        match self {
            CueKind::Key => 3.0,
            CueKind::Strong | CueKind::Heading => 2.0,
            CueKind::Normal => 1.0,
            CueKind::Weak => 0.5,
            CueKind::Exclude => 0.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CueKind::Key => "key",
            CueKind::Strong => "strong",
            CueKind::Normal => "cue",
            CueKind::Weak => "weak",
            CueKind::Heading => "heading",
            CueKind::Exclude => "exclude",
        }
    }
}

/// One token of a cue: a prefix of the normalised word, or a stem (ru, en) / whole word (kk).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CueToken {
    /// The prefix, or the stem (ru, en) / word (kk).
    pub text: String,
    pub prefix: bool,
    /// Length in characters of the word as written (for bare tokens: a text word matches by stem
    /// only when its length is within [`MAX_INFLECTION`] characters of it, so that an English stem
    /// like "local" from "localization" does not match "local").
    pub chars: usize,
}

/// How many characters an inflected form may differ in length from a bare cue word.
pub const MAX_INFLECTION: usize = 3;

/// A compiled cue.
#[derive(Debug, Clone)]
pub struct Cue {
    /// As written in the framework ("уведомл*", "без согласи*").
    pub source: String,
    pub lang: Lang,
    pub kind: CueKind,
    pub tokens: Vec<CueToken>,
}

impl Cue {
    /// Compile `source` for `lang`: tokens as the index splits words, `*` after a token makes it a
    /// prefix, bare tokens are stemmed.
    pub fn compile(
        source: &str,
        lang: Lang,
        kind: CueKind,
        stemmer: Option<&frostem::Stemmer>,
    ) -> Option<Cue> {
        let mut tokens = Vec::new();
        for (a, b) in analysis::word_spans(source) {
            let word = analysis::normalise_word(&source[a..b]);
            let chars = word.chars().count();
            let prefix = source[b..].starts_with('*');
            let text = if prefix {
                word
            } else {
                analysis::reduce(
                    &word,
                    analysis::Reduction::Stem(frostem::Algorithm::Russian),
                    stemmer,
                )
            };
            if text.is_empty() {
                continue;
            }
            tokens.push(CueToken {
                text,
                prefix,
                chars,
            });
        }
        (!tokens.is_empty()).then(|| Cue {
            source: source.to_string(),
            lang,
            kind,
            tokens,
        })
    }
}

/// Cue lists of one kind, per language, as in the file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CueLists {
    #[serde(default)]
    pub ru: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub kk: Vec<String>,
}

impl CueLists {
    fn for_lang(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
            Lang::Kk => &self.kk,
        }
    }

    fn is_empty(&self) -> bool {
        self.ru.is_empty() && self.en.is_empty() && self.kk.is_empty()
    }
}

/// Where a topic is modelled in a reference instrument, and how sure we are of it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Anchor {
    #[serde(rename = "ref")]
    pub reference: String,
    /// verified / plausible / unverified (see the file's header).
    pub confidence: String,
    /// How it was checked (or why it could not be).
    pub how: String,
    /// The draft's confidence, when the anchor comes from the draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
}

impl Anchor {
    /// The article numbers the reference names ("Arts. 16-17 (...); Art. 35" -> 16, 17, 35).
    /// Letters of points and paragraphs in brackets are ignored; a range of at most 20 is expanded.
    pub fn articles(&self) -> Vec<String> {
        static RE: OnceLock<regex::Regex> = OnceLock::new();
        static NUM: OnceLock<regex::Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(r"Arts?\.\s*((?:\d+(?:\([^)]*\))*(?:\s*(?:-|–|,|and)\s*)?)+)")
                .expect("static regex")
        });
        let num = NUM.get_or_init(|| {
            regex::Regex::new(r"(\d+)(?:\([^)]*\))*(?:\s*[-–]\s*(\d+))?").expect("static regex")
        });
        let mut out: Vec<String> = Vec::new();
        for cap in re.captures_iter(&self.reference) {
            for n in num.captures_iter(&cap[1]) {
                let a: u32 = n[1].parse().unwrap_or(0);
                let b: u32 = n.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(a);
                if a == 0 {
                    continue;
                }
                let end = if b >= a && b - a <= 20 { b } else { a };
                for k in a..=end {
                    let s = k.to_string();
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Meta {
    pub schema_version: String,
    #[serde(default)]
    pub based_on: String,
    #[serde(default)]
    pub states: Vec<String>,
    #[serde(default)]
    pub state_names: BTreeMap<String, String>,
    #[serde(default)]
    pub anchor_sources: BTreeMap<String, String>,
    /// Anchor source -> "country/number" of the law in the corpus.
    #[serde(default)]
    pub anchor_instruments: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawContext {
    id: String,
    #[serde(flatten)]
    cues: CueLists,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Area {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_ru: String,
    #[serde(default)]
    pub description: String,
    /// Titles of laws that may hold the area's topics.
    #[serde(default)]
    pub law_cues: CueLists,
}

/// The kind of key value a topic's spread shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Deadline,
    Penalty,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Deserialize)]
struct RawTopic {
    id: String,
    area: String,
    title: String,
    description: String,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    values: Option<ValueKind>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    not_context: Vec<String>,
    #[serde(default)]
    context_in: Option<String>,
    #[serde(default)]
    also_context: Vec<String>,
    #[serde(default)]
    min_score: Option<f32>,
    #[serde(default)]
    min_body_score: Option<f32>,
    #[serde(default)]
    duty: bool,
    #[serde(default)]
    law_cues: CueLists,
    #[serde(default)]
    anchors: BTreeMap<String, Anchor>,
    #[serde(default)]
    key: CueLists,
    #[serde(default)]
    strong: CueLists,
    #[serde(default)]
    cues: CueLists,
    #[serde(default)]
    weak: CueLists,
    #[serde(default)]
    heading: CueLists,
    #[serde(default)]
    exclude: CueLists,
    #[serde(default)]
    evidence: BTreeMap<String, String>,
    #[serde(default)]
    leads: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawFramework {
    meta: Meta,
    #[serde(default)]
    context: Vec<RawContext>,
    area: Vec<Area>,
    topic: Vec<RawTopic>,
}

/// A topic of the framework, its cues compiled.
#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub id: String,
    pub area: String,
    pub title: String,
    pub description: String,
    /// "draft" (kept from the draft) or "added" (added by the project).
    pub origin: String,
    pub values: Option<ValueKind>,
    pub anchors: BTreeMap<String, Anchor>,
    /// Indexes into [`Framework::contexts`]; one must hold.
    #[serde(skip)]
    pub context: Vec<usize>,
    /// Indexes into [`Framework::contexts`]; none may hold for the law title or article heading.
    #[serde(skip)]
    pub not_context: Vec<usize>,
    /// The context must hold for the law's title or the article's heading, not just the text.
    #[serde(skip)]
    pub context_in_title: bool,
    /// Indexes into [`Framework::contexts`]; one of these must hold as well (anywhere).
    #[serde(skip)]
    pub also_context: Vec<usize>,
    /// The least score that links this topic, when higher than the classifier's default (broad
    /// topics whose words are common in laws of every kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f32>,
    /// The least score that links this topic when none of its cues is in the heading: topics
    /// whose cues name a body ("national coordination centre", "CSIRTs network") are mentioned
    /// in many provisions that are not about that body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_body_score: Option<f32>,
    /// A duty of the regulated entities (protection measures, consent, reporting...): an article
    /// on a state body's powers or competence that names it as a matter the body regulates is not
    /// a provision laying it down, so such an article links it only on a heading cue.
    #[serde(skip_serializing_if = "is_false")]
    pub duty: bool,
    /// Titles of laws that may hold this topic, when narrower than its area's (compiled with
    /// owner [`super::classify::Owner::TopicLaw`]).
    #[serde(skip)]
    pub law_cues: Vec<Cue>,
    #[serde(skip)]
    pub cues: Vec<Cue>,
    pub evidence: BTreeMap<String, String>,
    pub leads: BTreeMap<String, String>,
}

/// A named set of words (personal data, criminal law, ...) a topic may require or refuse.
#[derive(Debug, Clone)]
pub struct Context {
    pub id: String,
    pub cues: Vec<Cue>,
}

/// A mistake in a framework file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("framework: {0}")]
pub struct FrameworkError(pub String);

/// The whole framework.
#[derive(Debug, Clone)]
pub struct Framework {
    pub meta: Meta,
    pub areas: Vec<Area>,
    pub topics: Vec<Topic>,
    pub contexts: Vec<Context>,
    /// Per area (same order as `areas`): the compiled law-title cues.
    pub area_law_cues: Vec<Vec<Cue>>,
}

impl Framework {
    /// The framework shipped in `framework/framework.toml`, parsed once.
    pub fn bundled() -> &'static Framework {
        static F: OnceLock<Framework> = OnceLock::new();
        F.get_or_init(|| {
            Framework::from_toml(BUNDLED).expect("the bundled framework/framework.toml is valid")
        })
    }

    pub fn from_toml(text: &str) -> Result<Framework, FrameworkError> {
        let raw: RawFramework = toml::from_str(text).map_err(|e| FrameworkError(e.to_string()))?;
        let stemmers: Vec<(Lang, Option<frostem::Stemmer>)> =
            Lang::ALL.iter().map(|&l| (l, l.stemmer())).collect();
        let compile =
            |lists: &CueLists, kind: CueKind, what: &str| -> Result<Vec<Cue>, FrameworkError> {
                let mut out = Vec::new();
                for (lang, stemmer) in &stemmers {
                    for s in lists.for_lang(*lang) {
                        let cue =
                            Cue::compile(s, *lang, kind, stemmer.as_ref()).ok_or_else(|| {
                                FrameworkError(format!("{what}: cue {s:?} has no word in it"))
                            })?;
                        out.push(cue);
                    }
                }
                Ok(out)
            };

        let mut contexts = Vec::new();
        let mut seen = HashSet::new();
        for c in &raw.context {
            if !seen.insert(c.id.clone()) {
                return Err(FrameworkError(format!("context {} is defined twice", c.id)));
            }
            contexts.push(Context {
                id: c.id.clone(),
                cues: compile(&c.cues, CueKind::Normal, &format!("context {}", c.id))?,
            });
        }
        let context_index = |name: &str, topic: &str| -> Result<usize, FrameworkError> {
            contexts
                .iter()
                .position(|c| c.id == name)
                .ok_or_else(|| FrameworkError(format!("topic {topic}: unknown context {name}")))
        };

        let mut area_ids = HashSet::new();
        let mut area_law_cues = Vec::new();
        for a in &raw.area {
            if !area_ids.insert(a.id.clone()) {
                return Err(FrameworkError(format!("area {} is defined twice", a.id)));
            }
            area_law_cues.push(compile(
                &a.law_cues,
                CueKind::Normal,
                &format!("area {}", a.id),
            )?);
        }

        let mut topics = Vec::new();
        let mut topic_ids = HashSet::new();
        for t in raw.topic {
            if !topic_ids.insert(t.id.clone()) {
                return Err(FrameworkError(format!("topic {} is defined twice", t.id)));
            }
            if !area_ids.contains(&t.area) {
                return Err(FrameworkError(format!(
                    "topic {}: unknown area {}",
                    t.id, t.area
                )));
            }
            if t.key.is_empty() && t.strong.is_empty() && t.cues.is_empty() && t.heading.is_empty()
            {
                return Err(FrameworkError(format!("topic {} has no cues", t.id)));
            }
            let what = format!("topic {}", t.id);
            let mut cues = compile(&t.key, CueKind::Key, &what)?;
            cues.extend(compile(&t.strong, CueKind::Strong, &what)?);
            cues.extend(compile(&t.cues, CueKind::Normal, &what)?);
            cues.extend(compile(&t.weak, CueKind::Weak, &what)?);
            cues.extend(compile(&t.heading, CueKind::Heading, &what)?);
            cues.extend(compile(&t.exclude, CueKind::Exclude, &what)?);
            // A cue written twice (as strong and as weak, say) counts once, as first written; a
            // heading cue is kept beside a body cue of the same words (in a heading the two match
            // the same words and only the heavier counts, see classify).
            let mut seen_cues = HashSet::new();
            cues.retain(|c| {
                c.kind == CueKind::Exclude
                    || seen_cues.insert((c.lang, c.tokens.clone(), c.kind == CueKind::Heading))
            });
            let context = t
                .context
                .iter()
                .map(|c| context_index(c, &t.id))
                .collect::<Result<_, _>>()?;
            let context_in_title = match t.context_in.as_deref() {
                None | Some("text") => false,
                Some("title") => true,
                Some(other) => {
                    return Err(FrameworkError(format!(
                        "topic {}: context_in must be \"text\" or \"title\", not {other:?}",
                        t.id
                    )))
                }
            };
            let law_cues = compile(&t.law_cues, CueKind::Normal, &what)?;
            let also_context = t
                .also_context
                .iter()
                .map(|c| context_index(c, &t.id))
                .collect::<Result<_, _>>()?;
            let not_context = t
                .not_context
                .iter()
                .map(|c| context_index(c, &t.id))
                .collect::<Result<_, _>>()?;
            topics.push(Topic {
                id: t.id,
                area: t.area,
                title: t.title,
                description: t.description,
                origin: t.origin.unwrap_or_else(|| "draft".into()),
                values: t.values,
                anchors: t.anchors,
                context,
                not_context,
                also_context,
                min_score: t.min_score,
                min_body_score: t.min_body_score,
                duty: t.duty,
                law_cues,
                context_in_title,
                cues,
                evidence: t.evidence,
                leads: t.leads,
            });
        }
        Ok(Framework {
            meta: raw.meta,
            areas: raw.area,
            topics,
            contexts,
            area_law_cues,
        })
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    pub fn topic_index(&self, id: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn area_index(&self, id: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.id == id)
    }

    /// Topics grouped by area, in file order.
    pub fn topics_by_area(&self) -> Vec<(&Area, Vec<&Topic>)> {
        self.areas
            .iter()
            .map(|a| (a, self.topics.iter().filter(|t| t.area == a.id).collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_framework_loads_and_keeps_the_draft_ids() {
        let f = Framework::bundled();
        assert_eq!(f.areas.len(), 10);
        assert!(f.topics.len() >= 60);
        assert_eq!(f.topics.iter().filter(|t| t.origin == "draft").count(), 60);
        for id in [
            "pd-breach-notification",
            "pd-lawful-basis-consent",
            "offence-illegal-access",
            "incident-reporting-deadline",
            "key-definitions",
        ] {
            assert!(f.topic(id).is_some(), "{id}");
        }
        for t in &f.topics {
            for (src, a) in &t.anchors {
                assert!(
                    ["verified", "plausible", "unverified"].contains(&a.confidence.as_str()),
                    "{} {src}: {}",
                    t.id,
                    a.confidence
                );
                assert!(!a.how.is_empty(), "{} {src}: how is empty", t.id);
            }
        }
    }

    #[test]
    fn cues_compile_to_prefixes_stems_and_phrases() {
        let ru = frostem::Stemmer::new(frostem::Algorithm::Russian);
        let c = Cue::compile("согласи* субъекта", Lang::Ru, CueKind::Strong, Some(&ru)).unwrap();
        assert_eq!(c.tokens.len(), 2);
        assert!(c.tokens[0].prefix && c.tokens[0].text == "согласи");
        assert!(!c.tokens[1].prefix && c.tokens[1].text == "субъект");
        let d = Cue::compile("24/7", Lang::En, CueKind::Strong, None).unwrap();
        assert_eq!(d.tokens.len(), 2);
        assert!(Cue::compile(" * ", Lang::Ru, CueKind::Normal, None).is_none());
    }

    #[test]
    fn anchor_articles_are_read_from_references() {
        let a = |r: &str| Anchor {
            reference: r.into(),
            confidence: "verified".into(),
            how: "x".into(),
            draft: None,
        };
        assert_eq!(
            a("Arts. 16-17 (domestic); Arts. 29-30 (international)").articles(),
            ["16", "17", "29", "30"]
        );
        assert_eq!(a("Art. 23(4)(a)-(e): early warning").articles(), ["23"]);
        assert_eq!(
            a("Arts. 1, 4, 6-9").articles(),
            ["1", "4", "6", "7", "8", "9"]
        );
        assert_eq!(a("Art. 35").articles(), ["35"]);
        assert!(a("-").articles().is_empty());
    }

    #[test]
    fn languages_follow_the_edition_or_the_script() {
        assert_eq!(Lang::for_text(Some("rus"), ""), [Lang::Ru]);
        assert_eq!(Lang::for_text(Some("kaz"), ""), [Lang::Kk, Lang::Ru]);
        assert_eq!(Lang::for_text(None, "Personal data shall"), [Lang::En]);
        assert_eq!(
            Lang::for_text(None, "Дербес деректерді қорғау туралы заң"),
            [Lang::Kk, Lang::Ru]
        );
        assert_eq!(Lang::for_text(None, "Персональные данные"), [Lang::Ru]);
    }
}
