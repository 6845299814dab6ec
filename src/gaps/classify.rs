//! The topic classifier: each clause of a law gets zero or more framework topics, each with a
//! score, a confidence and its evidence (which cue matched, the words as printed, in which clause,
//! in a heading or not).
//!
//! How a clause is scored (the cue syntax is in `framework/framework.toml`):
//! - Text is split into words as the search index splits them ([`analysis::word_spans`]), each word
//!   normalised (lowercase, ё -> е) and stemmed with the Snowball stemmer of the cue language
//!   (Russian, English; Kazakh has none and is matched on word prefixes). The cue languages follow
//!   the edition's language (Russian cues on rus/bel/tgk, English on eng, Kazakh then Russian on
//!   kaz/kir), or its script.
//! - A clause's body is its own text and the text of all its parts and points; its heading is its
//!   own, else its article's. Each cue counts once per clause, with its weight (key 3, strong 2,
//!   normal 1, weak 0.5, heading-only 2), doubled when it matched in the heading; a cue whose words
//!   lie inside a heavier cue's match does not count again.
//! - A topic links when the score reaches [`MIN_SCORE`], its context holds (one of its named
//!   contexts matched the clause, a parent, its heading or the law title), none of its `not_context` matched the law title or the
//!   article heading, and no `exclude` cue matched.
//! - A definitions article (see [`super::definitions::is_definitions_article`]) and its parts get
//!   `key-definitions` only: a definition of "critical infrastructure" is not a provision on it.
//! - Repealed clauses, clauses whose text is not available and final clauses (entry into force,
//!   duration, amendments, disputes, reservations..., by the article heading) get nothing.
//! - Words inside a cross-reference ("the notifications referred to in Article 23", "предусмотренные
//!   статьей 9") or inside a heading's field phrase ("Полномочия ... в области защиты информации")
//!   count a quarter ([`XREF_WEIGHT`]): they name another provision's subject or the field.
//! - An article with parts scores on its own words plus its best part (with its points); words
//!   in its other parts count half ([`DIFFUSE_WEIGHT`]).
//! - A topic may ask for a higher score (`min_score`), or for a higher score when none of its
//!   cues is in the heading (`min_body_score`: topics whose cues name a body that many provisions
//!   mention).
//! - Articles on the law's purpose or subject matter get nothing (see [`is_purpose_clause`]).
//! - An article that sets a punishment ([`sets_penalty`]) holds offence topics only; in it, words
//!   of a consequence or purpose phrase ("повлекший уничтожение информации", "с целью
//!   модификации") count a quarter ([`consequence_spans`]), as do time bounds of a duty ("до
//!   момента их уничтожения", [`aside_spans`]) anywhere.
//! - An article on a state body's powers ([`is_powers_clause`]) links a topic marked `duty` (the
//!   entities' measures, consent, reporting...) only on a heading cue: it regulates the duty.
//! - A clause whose heading names one topic with [`DOMINANT_SCORE`] drops other topics found only
//!   in its body with less than [`WEAK_LINK_SCORE`].
//! - Confidence is `score / (score + 2)`: 0.56 at the minimum score (2.5), 0.75 at 6.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::definitions;
use super::framework::{Cue, CueKind, Framework, Lang};
use super::overrides::Overrides;
use crate::library::StoredLaw;
use crate::model::{Clause, ClauseKind, Status};
use crate::search::analysis;

/// The least score that makes a link (a topic's `min_score` may ask for more).
pub const MIN_SCORE: f32 = 2.5;

/// The weight of a cue matched only inside a cross-reference, as a share of its weight.
pub const XREF_WEIGHT: f32 = 0.25;

/// The weight of body evidence outside the best group of a clause (its own words with one part
/// or point), as a share: scattered words are weaker evidence than words in one place.
pub const DIFFUSE_WEIGHT: f32 = 0.5;

/// A link with a heading cue and at least this score makes its topic the clause's subject...
pub const DOMINANT_SCORE: f32 = 6.0;

/// ...and then a link of another topic with no heading cue needs at least this score.
pub const WEAK_LINK_SCORE: f32 = 3.0;

/// The confidence of a classifier link with this score.
pub fn confidence(score: f32) -> f32 {
    let c = score / (score + 2.0);
    (c * 100.0).round() / 100.0
}

/// One word of a text, normalised and reduced for one cue language.
#[derive(Debug, Clone)]
struct Tok {
    norm: String,
    stem: String,
    start: usize,
    end: usize,
}

fn tokens(text: &str, lang: Lang, stemmer: Option<&frostem::Stemmer>) -> Vec<Tok> {
    analysis::word_spans(text)
        .into_iter()
        .filter_map(|(a, b)| {
            let norm = analysis::normalise_word(&text[a..b]);
            if norm.is_empty() {
                return None;
            }
            let stem = match (lang, stemmer) {
                (Lang::Kk, _) | (_, None) => norm.clone(),
                (_, Some(s)) => analysis::reduce(
                    &norm,
                    analysis::Reduction::Stem(frostem::Algorithm::Russian),
                    Some(s),
                ),
            };
            Some(Tok {
                norm,
                stem,
                start: a,
                end: b,
            })
        })
        .collect()
}

/// Who a cue belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    Topic(usize),
    Context(usize),
    Area(usize),
    /// A topic's own law-title cues.
    TopicLaw(usize),
}

/// A cue found in a text: owner, index of the cue in the owner's list, byte span.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub owner: Owner,
    pub cue: usize,
    pub start: usize,
    pub end: usize,
}

/// All cues of a framework for one language, indexed by their first token.
struct LangIndex {
    lang: Lang,
    stemmer: Option<frostem::Stemmer>,
    /// Bare first token -> cues.
    by_stem: HashMap<String, Vec<(Owner, usize)>>,
    /// First three characters of a prefix first token -> cues.
    by_prefix3: HashMap<String, Vec<(Owner, usize)>>,
    /// Prefix first tokens shorter than three characters.
    short: Vec<(Owner, usize)>,
}

/// Finds every cue of a framework in a text.
pub struct Matcher<'f> {
    framework: &'f Framework,
    langs: Vec<LangIndex>,
}

fn prefix3(s: &str) -> Option<String> {
    let p: String = s.chars().take(3).collect();
    (p.chars().count() == 3).then_some(p)
}

impl<'f> Matcher<'f> {
    pub fn new(framework: &'f Framework) -> Matcher<'f> {
        let mut langs: Vec<LangIndex> = Lang::ALL
            .iter()
            .map(|&lang| LangIndex {
                lang,
                stemmer: lang.stemmer(),
                by_stem: HashMap::new(),
                by_prefix3: HashMap::new(),
                short: Vec::new(),
            })
            .collect();
        let mut add = |owner: Owner, idx: usize, cue: &Cue| {
            let li = langs
                .iter_mut()
                .find(|l| l.lang == cue.lang)
                .expect("every language has an index");
            let first = &cue.tokens[0];
            if !first.prefix {
                li.by_stem
                    .entry(first.text.clone())
                    .or_default()
                    .push((owner, idx));
            } else if let Some(p) = prefix3(&first.text) {
                li.by_prefix3.entry(p).or_default().push((owner, idx));
            } else {
                li.short.push((owner, idx));
            }
        };
        for (ti, t) in framework.topics.iter().enumerate() {
            for (ci, c) in t.cues.iter().enumerate() {
                add(Owner::Topic(ti), ci, c);
            }
        }
        for (xi, x) in framework.contexts.iter().enumerate() {
            for (ci, c) in x.cues.iter().enumerate() {
                add(Owner::Context(xi), ci, c);
            }
        }
        for (ti, t) in framework.topics.iter().enumerate() {
            for (ci, c) in t.law_cues.iter().enumerate() {
                add(Owner::TopicLaw(ti), ci, c);
            }
        }
        for (ai, cues) in framework.area_law_cues.iter().enumerate() {
            for (ci, c) in cues.iter().enumerate() {
                add(Owner::Area(ai), ci, c);
            }
        }
        Matcher { framework, langs }
    }

    pub fn framework(&self) -> &'f Framework {
        self.framework
    }

    pub fn cue(&self, owner: Owner, idx: usize) -> &'f Cue {
        match owner {
            Owner::Topic(t) => &self.framework.topics[t].cues[idx],
            Owner::Context(x) => &self.framework.contexts[x].cues[idx],
            Owner::Area(a) => &self.framework.area_law_cues[a][idx],
            Owner::TopicLaw(t) => &self.framework.topics[t].law_cues[idx],
        }
    }

    /// Every cue of the languages `langs` found in `text` (one hit per cue and start word).
    pub fn find(&self, text: &str, langs: &[Lang]) -> Vec<Hit> {
        let mut hits = Vec::new();
        if text.trim().is_empty() {
            return hits;
        }
        for li in self.langs.iter().filter(|l| langs.contains(&l.lang)) {
            let toks = tokens(text, li.lang, li.stemmer.as_ref());
            for i in 0..toks.len() {
                let mut cands: Vec<(Owner, usize)> = Vec::new();
                if let Some(v) = li.by_stem.get(&toks[i].stem) {
                    cands.extend_from_slice(v);
                }
                if let Some(v) = prefix3(&toks[i].norm).and_then(|p| li.by_prefix3.get(&p)) {
                    cands.extend_from_slice(v);
                }
                cands.extend_from_slice(&li.short);
                for (owner, idx) in cands {
                    let cue = self.cue(owner, idx);
                    if let Some(last) = match_at(&toks, i, &cue.tokens) {
                        hits.push(Hit {
                            owner,
                            cue: idx,
                            start: toks[i].start,
                            end: toks[last].end,
                        });
                    }
                }
            }
        }
        hits
    }
}

fn token_matches(tok: &Tok, ct: &super::framework::CueToken) -> bool {
    if ct.prefix {
        tok.norm.starts_with(&ct.text)
    } else {
        tok.stem == ct.text
            && tok.norm.chars().count().abs_diff(ct.chars) <= super::framework::MAX_INFLECTION
    }
}

/// Whether the cue's tokens match from word `i` on (at most two words between two cue tokens);
/// the index of the last word matched.
fn match_at(toks: &[Tok], i: usize, cue: &[super::framework::CueToken]) -> Option<usize> {
    if !token_matches(&toks[i], &cue[0]) {
        return None;
    }
    if cue.len() == 1 {
        return Some(i);
    }
    let rest = &cue[1..];
    (i + 1..toks.len().min(i + 4)).find_map(|j| match_at(toks, j, rest))
}

/// One piece of evidence for a link.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// The cue as written in the framework.
    pub cue: String,
    /// strong / cue / weak / heading.
    pub kind: &'static str,
    /// The matched words as printed.
    pub words: String,
    /// The clause whose text (or heading) they are in.
    pub eid: String,
    pub in_heading: bool,
    /// The words lie in a cross-reference ("the notifications referred to in Article 23",
    /// "предусмотренные статьей 9"): they name another provision's subject, so they count less.
    #[serde(skip_serializing_if = "is_false")]
    pub xref: bool,
    /// Byte span of the words in the clause's text or heading (for overlap checks).
    #[serde(skip)]
    pub span: (usize, usize),
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Who made a link.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Classifier,
    /// Confirmed in `corpus/overrides.toml`.
    Override,
}

/// A clause-topic link.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub topic: String,
    pub score: f32,
    pub confidence: f32,
    pub source: Source,
    pub evidence: Vec<Evidence>,
    /// The reviewer's note of an override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The links of one clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseTopics {
    pub eid: String,
    pub kind: ClauseKind,
    pub links: Vec<Link>,
}

/// A law's clauses with their topics (clauses without any are left out).
#[derive(Debug, Clone, Serialize)]
pub struct LawTopics {
    pub uri: String,
    pub state: String,
    pub lang: String,
    pub clauses: Vec<ClauseTopics>,
    /// Override lines that named a clause of this law that does not exist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub override_problems: Vec<String>,
}

impl LawTopics {
    pub fn clause(&self, eid: &str) -> Option<&ClauseTopics> {
        self.clauses.iter().find(|c| c.eid == eid)
    }

    /// The topics of a clause (empty when it has none).
    pub fn topics_of(&self, eid: &str) -> Vec<&str> {
        self.clause(eid)
            .map(|c| c.links.iter().map(|l| l.topic.as_str()).collect())
            .unwrap_or_default()
    }

    /// The topics of a clause or of any clause inside it.
    pub fn topics_within(&self, law: &StoredLaw, eid: &str) -> Vec<String> {
        let prefix = format!("{eid}__");
        let mut out: Vec<String> = Vec::new();
        for c in &self.clauses {
            if c.eid == eid || c.eid.starts_with(&prefix) {
                for l in &c.links {
                    if !out.contains(&l.topic) {
                        out.push(l.topic.clone());
                    }
                }
            }
        }
        let _ = law;
        out
    }
}

/// Whether a clause has text to classify.
pub fn is_unavailable(c: &Clause) -> bool {
    let t = c.text.trim().trim_end_matches('.').to_lowercase();
    c.status == Status::Repealed
        || t == "текст недоступен"
        || t == "text not available"
        || t == "исключена"
        || t == "repealed"
}

/// Per clause: which cue (owner, idx) matched first where.
type HitMap = BTreeMap<(Owner, usize), Evidence>;

/// The classifier: a framework and its compiled matcher.
pub struct Classifier<'f> {
    matcher: Matcher<'f>,
    key_definitions: Option<usize>,
}

impl<'f> Classifier<'f> {
    pub fn new(framework: &'f Framework) -> Classifier<'f> {
        Classifier {
            matcher: Matcher::new(framework),
            key_definitions: framework.topic_index("key-definitions"),
        }
    }

    pub fn framework(&self) -> &'f Framework {
        self.matcher.framework()
    }

    /// The least score that links topic `ti`.
    fn min_score(&self, ti: usize) -> f32 {
        let base = MIN_SCORE;
        self.framework().topics[ti]
            .min_score
            .map_or(base, |m| m.max(base))
    }

    pub fn matcher(&self) -> &Matcher<'f> {
        &self.matcher
    }

    /// The cues found in a text. In a body, cross-references and asides count a quarter, and so
    /// do the consequence and purpose phrases of a penalty article (`penalty`); in a heading, the
    /// field phrase does.
    fn evidence_map(
        &self,
        text: &str,
        langs: &[Lang],
        eid: &str,
        in_heading: bool,
        penalty: bool,
    ) -> HitMap {
        let mut map = HitMap::new();
        let xrefs = if in_heading {
            field_spans(text)
        } else {
            let mut v = cross_reference_spans(text);
            v.extend(aside_spans(text));
            if penalty {
                v.extend(consequence_spans(text));
            }
            v
        };
        for h in self.matcher.find(text, langs) {
            let cue = self.matcher.cue(h.owner, h.cue);
            let xref = xrefs.iter().any(|&(a, b)| a <= h.start && h.start < b);
            add_evidence(
                &mut map,
                (h.owner, h.cue),
                Evidence {
                    cue: cue.source.clone(),
                    kind: cue.kind.name(),
                    words: shorten(&text[h.start..h.end], 80),
                    eid: eid.to_string(),
                    in_heading,
                    xref,
                    span: (h.start, h.end),
                },
            );
        }
        map
    }

    /// A topic's score in a clause from the hits of its heading and of its body; the evidence
    /// kept; whether an `exclude` cue vetoed it.
    fn score_topic(&self, ti: usize, head: &HitMap, body: &HitMap) -> (f32, Vec<Evidence>, bool) {
        let topic = &self.framework().topics[ti];
        let mut found: Vec<(f32, &Evidence)> = Vec::new();
        let mut excluded = false;
        let xref = XREF_WEIGHT;
        for (ci, cue) in topic.cues.iter().enumerate() {
            let key = (Owner::Topic(ti), ci);
            let in_head = head.get(&key);
            let in_body = body.get(&key);
            if cue.kind == CueKind::Exclude {
                excluded |= in_head.is_some() || in_body.is_some();
                continue;
            }
            match (in_head, in_body) {
                (Some(e), _) => {
                    let w = cue.kind.weight() * 2.0;
                    found.push((if e.xref { w * xref } else { w }, e))
                }
                (None, Some(e)) if cue.kind != CueKind::Heading => {
                    let w = cue.kind.weight();
                    found.push((if e.xref { w * xref } else { w }, e))
                }
                _ => {}
            }
        }
        // A cue whose words lie inside a heavier cue's ("нарушени* безопасност*" inside
        // "нарушени* безопасност* персональн* данн*", or a weak cue that is also a heading cue)
        // does not count again.
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut score = 0.0f32;
        let mut evidence: Vec<Evidence> = Vec::new();
        for (w, e) in found {
            let overlaps = evidence.iter().any(|k| {
                k.eid == e.eid
                    && k.in_heading == e.in_heading
                    && k.span.0 <= e.span.0
                    && e.span.1 <= k.span.1
            });
            if !overlaps {
                score += w;
                evidence.push(e.clone());
            }
        }
        (score, evidence, excluded)
    }

    /// The topics a law may hold, judged from its titles (its scope for the matrix): the topics
    /// of every area whose law-title cues match, except topics with law-title cues of their own,
    /// which are in scope only when those match. A title that matches no area may hold anything.
    pub fn law_topics(&self, law: &StoredLaw) -> Vec<bool> {
        let fw = self.framework();
        let mut areas: Vec<usize> = Vec::new();
        let mut own: Vec<usize> = Vec::new();
        for title in law_titles(law) {
            let mut langs = Lang::for_text(None, &title);
            if !langs.contains(&Lang::Ru) {
                langs.push(Lang::Ru);
            }
            for h in self.matcher.find(&title, &langs) {
                match h.owner {
                    Owner::Area(a) if !areas.contains(&a) => areas.push(a),
                    Owner::TopicLaw(t) if !own.contains(&t) => own.push(t),
                    _ => {}
                }
            }
        }
        let any = areas.is_empty() && own.is_empty();
        fw.topics
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                if any {
                    return true;
                }
                if !t.law_cues.is_empty() {
                    return own.contains(&ti);
                }
                fw.area_index(&t.area).is_some_and(|a| areas.contains(&a))
            })
            .collect()
    }

    /// Classify every clause of a law, then apply the overrides.
    pub fn classify(&self, law: &StoredLaw, overrides: Option<&Overrides>) -> LawTopics {
        let fw = self.framework();
        let sample: String = law
            .clauses
            .iter()
            .take(40)
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let langs = Lang::for_text(law.law.lang.as_deref(), &sample);
        let n = law.clauses.len();
        let index: HashMap<&str, usize> = law
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.eid.as_str(), i))
            .collect();
        let parent: Vec<Option<usize>> = law
            .clauses
            .iter()
            .map(|c| c.parent.as_deref().and_then(|p| index.get(p).copied()))
            .collect();

        // The article of each clause (itself, or its nearest ancestor article).
        let article: Vec<Option<usize>> = (0..n)
            .map(|i| {
                let mut cur = Some(i);
                while let Some(k) = cur {
                    if law.clauses[k].kind == ClauseKind::Article {
                        return Some(k);
                    }
                    cur = parent[k];
                }
                None
            })
            .collect();
        // Penalty articles: an article any clause of which sets a punishment defines an offence.
        let mut penalty = vec![false; n];
        for (i, c) in law.clauses.iter().enumerate() {
            if let Some(a) = article[i] {
                if !penalty[a] && sets_penalty(&c.text) {
                    penalty[a] = true;
                }
            }
        }
        let in_penalty = |i: usize| article[i].is_some_and(|a| penalty[a]);
        // Own text and heading hits of every clause.
        let own: Vec<HitMap> = law
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if is_unavailable(c) {
                    HitMap::new()
                } else {
                    self.evidence_map(&c.text, &langs, &c.eid, false, in_penalty(i))
                }
            })
            .collect();
        let heading: Vec<HitMap> = law
            .clauses
            .iter()
            .map(|c| match &c.heading {
                Some(h) => self.evidence_map(h, &langs, &c.eid, true, false),
                None => HitMap::new(),
            })
            .collect();
        // Subtree = own + every descendant's own (clauses come in document order: children after
        // parents, so a reverse pass accumulates them).
        let mut subtree: Vec<HitMap> = own.clone();
        for i in (0..n).rev() {
            if let Some(p) = parent[i] {
                let child = subtree[i].clone();
                merge_evidence(&mut subtree[p], &child);
            }
        }
        // Each clause's direct children, in document order.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        // Definitions articles.
        let defs: Vec<bool> = (0..n)
            .map(|i| {
                article[i].is_some_and(|a| {
                    let c = &law.clauses[a];
                    definitions::is_definitions_article(c.heading.as_deref(), &c.text)
                })
            })
            .collect();
        // Context matches of the law's titles, each read in its own language as well (a Russian
        // text may come with a descriptive English file name).
        let mut title_ctx: Vec<usize> = Vec::new();
        for title in law_titles(law) {
            let mut title_langs = langs.clone();
            for l in Lang::for_text(None, &title) {
                if !title_langs.contains(&l) {
                    title_langs.push(l);
                }
            }
            for h in self.matcher.find(&title, &title_langs) {
                if let Owner::Context(x) = h.owner {
                    if !title_ctx.contains(&x) {
                        title_ctx.push(x);
                    }
                }
            }
        }

        let contexts_in = |m: &HitMap, out: &mut Vec<usize>| {
            for (owner, _) in m.keys() {
                if let Owner::Context(x) = owner {
                    if !out.contains(x) {
                        out.push(*x);
                    }
                }
            }
        };

        let mut clauses = Vec::new();
        for i in 0..n {
            let c = &law.clauses[i];
            if c.kind.is_container() || is_unavailable(c) {
                continue;
            }
            if article[i].is_some_and(|a| {
                let h = law.clauses[a].heading.as_deref();
                is_final_clause(h) || is_purpose_clause(h)
            }) {
                continue;
            }
            // The heading: own, else the article's.
            let head_idx = if c.heading.is_some() {
                Some(i)
            } else {
                article[i]
            };
            let empty = HitMap::new();
            let head = head_idx.map(|h| &heading[h]).unwrap_or(&empty);
            // Contexts: subtree, heading, ancestors' own text and headings, law title.
            let mut ctx: Vec<usize> = title_ctx.clone();
            contexts_in(&subtree[i], &mut ctx);
            contexts_in(head, &mut ctx);
            let mut up = parent[i];
            while let Some(p) = up {
                contexts_in(&own[p], &mut ctx);
                contexts_in(&heading[p], &mut ctx);
                up = parent[p];
            }
            // The law title and the article heading: refused contexts (`not_context`) and
            // title-only contexts (`context_in = "title"`) are looked for there.
            let mut refused: Vec<usize> = title_ctx.clone();
            if let Some(a) = article[i] {
                contexts_in(&heading[a], &mut refused);
            }

            // The body's groups: the clause's own words with one child's subtree each (an
            // article's intro with one of its parts, a part's intro with one of its points). A
            // provision on a topic says so in one place; words scattered over many parts count
            // less (see DIFFUSE_WEIGHT).
            let groups: Vec<HitMap> = children[i]
                .iter()
                .map(|&ch| {
                    let mut g = own[i].clone();
                    merge_evidence(&mut g, &subtree[ch]);
                    g
                })
                .collect();

            // An article on a state body's powers or competence.
            let powers =
                article[i].is_some_and(|a| is_powers_clause(law.clauses[a].heading.as_deref()));
            let mut links = Vec::new();
            for (ti, topic) in fw.topics.iter().enumerate() {
                if defs[i] && Some(ti) != self.key_definitions {
                    continue;
                }
                // A penalty article defines an offence: it holds no provision of another area (its
                // words on data protection or blocking describe what the offence breaches).
                if in_penalty(i) && topic.area != OFFENCE_AREA {
                    continue;
                }
                let (full, mut evidence, excluded) = self.score_topic(ti, head, &subtree[i]);
                let mut score = full;
                if !groups.is_empty() && full >= self.min_score(ti) {
                    let best = groups
                        .iter()
                        .map(|g| self.score_topic(ti, head, g).0)
                        .fold(self.score_topic(ti, head, &own[i]).0, f32::max);
                    score = best + DIFFUSE_WEIGHT * (full - best);
                }
                if excluded || score < self.min_score(ti) {
                    continue;
                }
                if let Some(m) = topic.min_body_score {
                    if score < m && !evidence.iter().any(|e| e.in_heading) {
                        continue;
                    }
                }
                // A powers article names the entities' duties it regulates ("approves the rules
                // of protection measures"): a duty topic links there only on a heading cue.
                if powers && topic.duty && !evidence.iter().any(|e| e.in_heading) {
                    continue;
                }
                // A part or point inside an article links on its own words, not on its article's
                // heading alone (the article carries that link).
                if article[i].is_some_and(|a| a != i) && !evidence.iter().any(|e| !e.in_heading) {
                    continue;
                }
                let scope = if topic.context_in_title {
                    &refused
                } else {
                    &ctx
                };
                if !topic.also_context.is_empty()
                    && !topic.also_context.iter().any(|x| ctx.contains(x))
                {
                    continue;
                }
                if !topic.context.is_empty() && !topic.context.iter().any(|x| scope.contains(x)) {
                    continue;
                }
                if topic.not_context.iter().any(|x| refused.contains(x)) {
                    continue;
                }
                evidence.sort_by(|a, b| {
                    b.in_heading
                        .cmp(&a.in_heading)
                        .then(weight_of(b.kind).total_cmp(&weight_of(a.kind)))
                });
                links.push(Link {
                    topic: topic.id.clone(),
                    score,
                    confidence: confidence(score),
                    source: Source::Classifier,
                    evidence,
                    note: None,
                });
            }
            // A definitions article always carries key-definitions (its heading or opening words
            // say so, see definitions::is_definitions_article).
            if defs[i] && article[i] == Some(i) {
                if let Some(kd) = self.key_definitions {
                    let id = &fw.topics[kd].id;
                    if !links.iter().any(|l| &l.topic == id) {
                        let words = c
                            .heading
                            .clone()
                            .unwrap_or_else(|| c.text.chars().take(80).collect());
                        links.push(Link {
                            topic: id.clone(),
                            score: MIN_SCORE + 1.0,
                            confidence: confidence(MIN_SCORE + 1.0),
                            source: Source::Classifier,
                            evidence: vec![Evidence {
                                cue: "definitions article".into(),
                                kind: "heading",
                                words: shorten(&words, 80),
                                eid: c.eid.clone(),
                                in_heading: c.heading.is_some(),
                                xref: false,
                                span: (0, 0),
                            }],
                            note: None,
                        });
                    }
                }
            }
            // A clause whose heading names one topic firmly is about that topic: another topic
            // found only in its body with a bare minimum of evidence is a mention.
            if links
                .iter()
                .any(|l| l.score >= DOMINANT_SCORE && l.evidence.iter().any(|e| e.in_heading))
            {
                links.retain(|l| {
                    l.score >= WEAK_LINK_SCORE || l.evidence.iter().any(|e| e.in_heading)
                });
            }
            if !links.is_empty() {
                links.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.topic.cmp(&b.topic)));
                clauses.push(ClauseTopics {
                    eid: c.eid.clone(),
                    kind: c.kind,
                    links,
                });
            }
        }
        let mut out = LawTopics {
            uri: law.uri().to_string(),
            state: law.state().to_string(),
            lang: law.law.lang.clone().unwrap_or_default(),
            clauses,
            override_problems: Vec::new(),
        };
        if let Some(o) = overrides {
            o.apply(law, &mut out);
        }
        out
    }
}

/// Add a piece of evidence for a cue: the first match counts, but a match outside a
/// cross-reference beats one inside.
fn add_evidence(map: &mut HitMap, key: (Owner, usize), e: Evidence) {
    match map.entry(key) {
        std::collections::btree_map::Entry::Vacant(v) => {
            v.insert(e);
        }
        std::collections::btree_map::Entry::Occupied(mut o) => {
            if o.get().xref && !e.xref {
                o.insert(e);
            }
        }
    }
}

fn merge_evidence(into: &mut HitMap, from: &HitMap) {
    for (k, v) in from {
        add_evidence(into, *k, v.clone());
    }
}

/// Byte spans of a heading that name the field an article works in, not its subject: from "в
/// области", "в сфере", "in the field of" to the end ("Полномочия ... в области информатизации и
/// защиты информации" is about powers, not about protection measures).
pub fn field_spans(heading: &str) -> Vec<(usize, usize)> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(\bв\s+(област|сфер)\w*|\bin\s+the\s+(field|area|sphere|domain)s?\s+of)\b",
        )
        .expect("static regex")
    });
    re.find(heading)
        .map(|m| vec![(m.start(), heading.len())])
        .unwrap_or_default()
}

/// Byte spans of a text that refer to another provision: the reference itself ("referred to in
/// Article 23", "in accordance with paragraph 2", "предусмотренных статьей 9", "в соответствии
/// со статьей 5") and up to five words before it in the same sentence (the thing referred to).
pub fn cross_reference_spans(text: &str) -> Vec<(usize, usize)> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\b(?:(?:referred\s+to|laid\s+down|set\s+out|provided\s+for|specified|mentioned|listed|defined|described)\s+in\s+(?:the\s+)?(?:first\s+|second\s+|third\s+)?|(?:pursuant\s+to|in\s+accordance\s+with|under|within\s+the\s+meaning\s+of|as\s+provided\s+in)\s+)(?:points?|paragraphs?|subparagraphs?|articles?|chapters?|annex(?:es)?|sections?)\b[\s\d()a-z,.-]{0,24}|(?:предусмотренн|указанн|установленн|определенн|перечисленн|названн|оговоренн)\w*\s+(?:в\s+|во\s+)?(?:настоящ\w*\s+)?(?:стать|пункт|подпункт|част|глав|приложени|абзац)\w*[\s\d()а-я,.-]{0,24}|(?:в\s+соответствии\s+со?|согласно|на\s+основании|в\s+порядке,?\s+предусмотренн\w*)\s+(?:стать|пункт|подпункт|част|глав)\w*\s+\d[\s\d()а-я,.-]{0,24}",
        )
        .expect("static regex")
    });
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        // Back over at most five words, not across a sentence or list boundary.
        let before = &text[..m.start()];
        let stop = before.rfind(['.', ';', ':', '\n']).map_or(0, |p| p + 1);
        let mut start = m.start();
        let mut words = 0;
        for (p, ch) in before[stop..].char_indices().rev() {
            if ch.is_whitespace() {
                let nonblank = before[stop + p + 1..start].trim();
                if !nonblank.is_empty() {
                    words += 1;
                    start = stop + p + 1;
                    if words == 5 {
                        break;
                    }
                }
            }
        }
        if words < 5 {
            start = stop;
        }
        out.push((start, m.end()));
    }
    out
}

/// The area of the offence topics (the only topics a penalty article may hold).
pub const OFFENCE_AREA: &str = "cybercrime-substantive";

/// Whether a text sets a punishment ("наказывается штрафом", "is punishable by imprisonment"):
/// its article defines an offence.
pub fn sets_penalty(text: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\bнаказыва(ет|ют)ся\b|\b(shall\s+be|is|are)\s+punish(ed|able)\s+(by|with)\b",
        )
        .expect("static regex")
    });
    re.is_match(text)
}

/// Byte spans of a penalty article's text that name a consequence or a purpose of the act, not
/// the act ("доступ ..., повлекший уничтожение информации", "программа, созданная с целью
/// модификации информации", "resulting in the deletion of data"): from the phrase to the end of
/// the sentence, list item or dash that introduces the penalty.
pub fn consequence_spans(text: &str) -> Vec<(usize, usize)> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\b(повлек\w*|влекущ\w*|с\s+целью|в\s+целях|предназначенн\w*\s+для|resulting\s+in|result(s|ed)?\s+in|with\s+(the\s+)?intent|for\s+the\s+purpose\s+of)\b",
        )
        .expect("static regex")
    });
    re.find_iter(text)
        .map(|m| {
            let rest = &text[m.start()..];
            let end = rest
                .find([';', '.', '\n', '–', '—'])
                .map_or(text.len(), |p| m.start() + p);
            (m.start(), end)
        })
        .collect()
}

/// Byte spans of a text that only bound a duty in time ("до момента их уничтожения либо
/// обезличивания", "until they are erased"): the end of a duty is not a provision on it.
pub fn aside_spans(text: &str) -> Vec<(usize, usize)> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\bдо\s+(момента\s+|дня\s+)?(их\s+)?(уничтожени|обезличивани)\w*(\s+(либо|или|и)\s+\w+)?|\buntil\s+(they\s+are\s+|its\s+|their\s+)?(eras|delet|destr|anonymi)\w*",
        )
        .expect("static regex")
    });
    re.find_iter(text).map(|m| (m.start(), m.end())).collect()
}

/// Whether an article heading names a state body's powers or competence ("Компетенция
/// уполномоченного органа", "Полномочия Правительства", "Powers of the supervisory authority").
pub fn is_powers_clause(heading: Option<&str>) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)^\s*(компетенци|полномочи|функции|задачи\s+и\s+функции|(powers|competences?|tasks)\b)")
            .expect("static regex")
    });
    heading.is_some_and(|h| re.is_match(h))
}

/// A law's titles, and its file name when that is descriptive ("KZ_94-V_on-personal-data..."
/// reads as "on personal data"): official texts often come without metadata, or with a title in
/// another language.
pub fn law_titles(law: &StoredLaw) -> Vec<String> {
    let titles: Vec<String> = [
        law.law.title.as_deref(),
        law.law.title_en.as_deref(),
        law.law.title_printed.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::to_string)
    .collect();
    let mut titles = titles;
    if let Some(name) = law
        .law
        .source_file
        .as_deref()
        .and_then(|f| std::path::Path::new(f).file_stem())
    {
        // Bundled corpus files are named by number ("94-v.rus"): only descriptive names help.
        let name = name.to_string_lossy().replace(['_', '-', '.'], " ");
        if name.split_whitespace().count() >= 3 {
            titles.push(name);
        }
    }
    titles
}

/// Whether an article heading names a final clause (entry into force, duration, amendments,
/// disputes, reservations, denunciation, expenses...): such articles get no topic.
pub fn is_final_clause(heading: Option<&str>) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^\s*(о\s+)?(вступлени\w*\s+в\s+силу|порядок\s+введения\s+в\s+действие|введени\w*\s+в\s+действие|срок\s+действия|выход\b|денонсаци|присоединени|внесени\w*\s+изменений|изменения\s+и\s+дополнения|разрешени\w*\s+(споров|разногласий)|спорные\s+вопросы|расходы\s*$|соотношени\w*\s+с\s+други|заключительн\w*\s+положени|депозитари|оговорк|переходн\w*\s+положени|признани\w*\s+утратившими|signature\s+and\s+entry|entry\s+into\s+force|accession|territorial\s+(application|clause)|effects\s+of\s+the\s+convention|declarations\s*$|federal\s+clause|reservations\s*$|status\s+and\s+withdrawal|amendments\s*$|settlement\s+of\s+disputes|consultations\s+of\s+the\s+parties|denunciation|notifications?\s*$|duration\s*$|withdrawal\s*$|expenses\s*$|relation\s+to\s+other|final\s+provisions|transitional\s+provisions|repeal\s*$)",
        )
        .expect("static regex")
    });
    heading.is_some_and(|h| re.is_match(h))
}

/// Whether an article heading names the law's purpose or subject matter only ("Subject matter",
/// "Purpose", "Цели настоящего Закона"): such an article lists what the law is about and holds no
/// provision of its own, so it gets no topic. ("Предмет регулирования" is not one: in these laws
/// it says which relations the law covers, i.e. its scope.)
pub fn is_purpose_clause(heading: Option<&str>) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^\s*(subject[\s-]+matter|purposes?|objectives?|aims?)(\s+of\s+(this|the)\s+(law|act|convention|agreement|directive|regulation))?\s*\.?\s*$|^\s*(цел[ьи]|задачи)(\s+и\s+задачи)?(\s+настоящего\s+(закона|соглашения|кодекса))?\s*\.?\s*$",
        )
        .expect("static regex")
    });
    heading.is_some_and(|h| re.is_match(h))
}

fn weight_of(kind: &str) -> f32 {
    match kind {
        "key" => 3.0,
        "strong" | "heading" => 2.0,
        "cue" => 1.0,
        _ => 0.5,
    }
}

/// At most `max` characters, on a character boundary, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LawMeta;

    /// eid, kind, parent, heading, text.
    type TestClause<'a> = (
        &'a str,
        ClauseKind,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
    );

    fn law(lang: &str, title: &str, clauses: &[TestClause]) -> StoredLaw {
        StoredLaw {
            law: LawMeta {
                country: Some("xx".into()),
                lang: Some(lang.into()),
                title: Some(title.into()),
                uri: Some("/akn/xx/act/2020-01-01/1/rus@".into()),
                ..Default::default()
            },
            clauses: clauses
                .iter()
                .map(|(eid, kind, parent, heading, text)| Clause {
                    eid: eid.to_string(),
                    kind: *kind,
                    num: String::new(),
                    label: String::new(),
                    heading: heading.map(str::to_string),
                    text: text.to_string(),
                    status: Status::InForce,
                    line_start: 1,
                    line_end: 1,
                    parent: parent.map(str::to_string),
                    own_lines: vec![],
                })
                .collect(),
            blocks: vec![],
            diagnostics: vec![],
        }
    }

    #[test]
    fn phrases_allow_two_words_between_and_keep_order() {
        let fw = Framework::bundled();
        let m = Matcher::new(fw);
        let ti = fw.topic_index("pd-lawful-basis-consent").unwrap();
        let found = |text: &str| {
            m.find(text, &[Lang::Ru]).iter().any(|h| {
                h.owner == Owner::Topic(ti) && m.cue(h.owner, h.cue).source == "согласи* субъект*"
            })
        };
        assert!(found("с согласия субъекта"));
        assert!(found("согласие самого этого субъекта"));
        assert!(!found("согласие одного двух трех субъектов"));
        assert!(!found("субъекта согласие"));
    }

    #[test]
    fn a_consent_article_links_and_a_final_clause_does_not() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "rus",
            "О персональных данных",
            &[
                ("art_1", ClauseKind::Article, None, Some("Согласие субъекта на обработку"), "Обработка персональных данных допускается с согласия субъекта персональных данных."),
                ("art_2", ClauseKind::Article, None, Some("Вступление в силу"), "Настоящий Закон вступает в силу через десять дней."),
            ],
        );
        let t = cl.classify(&l, None);
        assert!(
            t.topics_of("art_1").contains(&"pd-lawful-basis-consent"),
            "{:?}",
            t.topics_of("art_1")
        );
        assert!(
            t.topics_of("art_2").is_empty(),
            "{:?}",
            t.topics_of("art_2")
        );
        let link = &t.clause("art_1").unwrap().links[0];
        assert!(link.evidence.iter().any(|e| e.in_heading));
        assert!(link.confidence > 0.5);
    }

    #[test]
    fn context_is_required_and_definitions_only_define() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "rus",
            "Об информации",
            &[
                ("art_1", ClauseKind::Article, None, Some("Основные понятия"), "Несанкционированный доступ к информации - доступ с нарушением правил."),
                ("art_2", ClauseKind::Article, None, Some("Защита информации"), "Обладатель обязан принимать меры защиты от несанкционированного доступа к информации."),
            ],
        );
        let t = cl.classify(&l, None);
        assert_eq!(t.topics_of("art_1"), ["key-definitions"]);
        assert!(!t.topics_of("art_2").contains(&"offence-illegal-access"));
    }

    #[test]
    fn cross_references_and_field_phrases_are_found() {
        let t = "Essential and important entities shall also keep the incidents referred to in Article 23(1) on file.";
        let spans = cross_reference_spans(t);
        assert_eq!(spans.len(), 1, "{spans:?}");
        let (a, b) = spans[0];
        assert!(
            t[a..b].contains("incidents referred to in Article 23"),
            "{}",
            &t[a..b]
        );
        assert!(!t[a..b].contains("important"), "{}", &t[a..b]);
        let r = "Оператор направляет уведомление, предусмотренное статьей 9 настоящего Закона.";
        let spans = cross_reference_spans(r);
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert!(r[spans[0].0..spans[0].1].contains("уведомление"));
        assert!(
            cross_reference_spans("Оператор обязан уведомить уполномоченный орган.").is_empty()
        );

        let h = "Полномочия Совета Министров в области информации и защиты информации";
        let f = field_spans(h);
        assert_eq!(f.len(), 1);
        assert!(h[f[0].0..].starts_with("в области"));
        assert!(field_spans("Меры по защите информации").is_empty());
    }

    #[test]
    fn purpose_articles_are_recognised() {
        for h in [
            "Subject matter",
            "Purpose",
            "Цели настоящего Закона",
            "Цель",
        ] {
            assert!(is_purpose_clause(Some(h)), "{h}");
        }
        for h in [
            "Subject matter and scope",
            "Предмет регулирования настоящего Закона",
            "Цели защиты информации",
        ] {
            assert!(!is_purpose_clause(Some(h)), "{h}");
        }
    }

    #[test]
    fn a_reference_alone_does_not_link() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "eng",
            "On cybersecurity",
            &[
                ("art_1", ClauseKind::Article, None, Some("Supervision"), "The competent authority shall supervise the entities; it shall check the incident notifications referred to in Article 23."),
                ("art_2", ClauseKind::Article, None, Some("Incident reporting"), "Entities shall notify the competent authority of any significant incident without undue delay."),
            ],
        );
        let t = cl.classify(&l, None);
        assert!(
            !t.topics_of("art_1")
                .contains(&"incident-reporting-obligation"),
            "{:?}",
            t.topics_of("art_1")
        );
        assert!(
            t.topics_of("art_2")
                .contains(&"incident-reporting-obligation"),
            "{:?}",
            t.topics_of("art_2")
        );
    }

    #[test]
    fn a_body_named_in_passing_is_not_its_topic() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "rus",
            "Об информатизации",
            &[
                ("art_1", ClauseKind::Article, None, Some("Права и обязанности владельца"), "Владелец обязан представлять Национальному координационному центру информационной безопасности сведения о событиях."),
                ("art_2", ClauseKind::Article, None, Some("Национальный координационный центр информационной безопасности"), "Национальный координационный центр информационной безопасности осуществляет мониторинг и реагирование на инциденты."),
            ],
        );
        let t = cl.classify(&l, None);
        assert!(
            !t.topics_of("art_1").contains(&"national-csirt"),
            "{:?}",
            t.topics_of("art_1")
        );
        assert!(
            t.topics_of("art_2").contains(&"national-csirt"),
            "{:?}",
            t.topics_of("art_2")
        );
    }

    #[test]
    fn penalties_consequences_time_bounds_and_powers_are_recognised() {
        assert!(sets_penalty("Такое деяние – наказывается штрафом."));
        assert!(sets_penalty("The offence is punishable by imprisonment."));
        assert!(!sets_penalty("Оператор обязан принимать меры."));

        let t = "Неправомерный доступ к информации, повлекший ее уничтожение или модификацию, – наказывается штрафом.";
        let spans = consequence_spans(t);
        assert_eq!(spans.len(), 1, "{spans:?}");
        let (a, b) = spans[0];
        assert!(t[a..b].starts_with("повлекший"), "{}", &t[a..b]);
        assert!(t[a..b].contains("уничтожение"), "{}", &t[a..b]);
        assert!(!t[a..b].contains("наказывается"), "{}", &t[a..b]);

        let d = "Обязанность действует до момента их уничтожения либо обезличивания.";
        let spans = aside_spans(d);
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert!(d[spans[0].0..spans[0].1].contains("уничтожения"));
        assert!(aside_spans("Оператор обязан уничтожить данные.").is_empty());

        for h in [
            "Компетенция уполномоченного органа",
            "Полномочия Правительства",
            "Powers of the supervisory authority",
        ] {
            assert!(is_powers_clause(Some(h)), "{h}");
        }
        for h in ["Права и обязанности оператора", "Защита информации"]
        {
            assert!(!is_powers_clause(Some(h)), "{h}");
        }
    }

    #[test]
    fn a_penalty_article_holds_its_offence_only() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "rus",
            "Уголовный кодекс",
            &[
                ("art_1", ClauseKind::Article, None, Some("Неправомерный доступ к компьютерной информации"), "Неправомерный доступ к охраняемой законом компьютерной информации, повлекший ее уничтожение или модификацию, – наказывается штрафом."),
                ("art_2", ClauseKind::Article, None, Some("Нарушение законодательства о персональных данных"), "Несоблюдение мер по защите персональных данных лицом, обязанным их принимать, если это причинило существенный вред, – наказывается штрафом."),
            ],
        );
        let t = cl.classify(&l, None);
        let access = t.topics_of("art_1");
        assert!(access.contains(&"offence-illegal-access"), "{access:?}");
        assert!(!access.contains(&"offence-data-interference"), "{access:?}");
        let pd = t.topics_of("art_2");
        assert!(!pd.contains(&"pd-security-measures"), "{pd:?}");
    }

    #[test]
    fn a_powers_article_does_not_lay_down_the_duties_it_regulates() {
        let fw = Framework::bundled();
        let cl = Classifier::new(fw);
        let l = law(
            "rus",
            "О персональных данных",
            &[
                ("art_1", ClauseKind::Article, None, Some("Компетенция уполномоченного органа"), "Уполномоченный орган утверждает порядок принятия мер по защите персональных данных и правовые, организационные и технические меры их охраны, а также рассматривает жалобы субъектов."),
                ("art_2", ClauseKind::Article, None, Some("Обязанности оператора"), "Оператор обязан принимать правовые, организационные и технические меры по защите персональных данных от несанкционированного доступа."),
            ],
        );
        let t = cl.classify(&l, None);
        let powers = t.topics_of("art_1");
        assert!(!powers.contains(&"pd-security-measures"), "{powers:?}");
        assert!(powers.contains(&"pd-supervisory-authority"), "{powers:?}");
        let duty = t.topics_of("art_2");
        assert!(duty.contains(&"pd-security-measures"), "{duty:?}");
    }
}
