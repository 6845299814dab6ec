//! Structure detection: from the numbered lines any reader produced to the clause tree and the
//! named non-clause blocks (title, preamble, table of contents, editorial notes, signature, annex,
//! translation), with diagnostics instead of failures.
//!
//! Invariant ("nothing lost"): every non-blank line is owned by exactly one clause (in its
//! `own_lines`) or one block.

use std::collections::{HashMap, HashSet};

use crate::ingest::patterns::{self, DocConventions, Heading, KeywordLang, Marker};
use crate::ingest::source::{LineHint, SourceLine};
use crate::model::{
    eid_part, join_eid, Block, BlockKind, Clause, ClauseKind, Diagnostic, Severity, Status,
};

/// The clause tree and blocks of one text.
#[derive(Debug, Default)]
pub struct Detected {
    pub clauses: Vec<Clause>,
    pub blocks: Vec<Block>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a line was found to be before the walk.
#[derive(Debug, Clone)]
enum Class {
    Blank,
    Meta,
    Heading(Heading),
    /// The scraper's "Section N. Original section/article: M." line.
    ArticleMarker(String),
    Other,
}

pub fn detect(lines: &[SourceLine], file: &str) -> Detected {
    let conv = conventions(lines);
    let classes: Vec<Class> = lines.iter().map(|l| classify(l, conv)).collect();
    let translation_start = translation_start(lines, &classes);
    let body_end = translation_start.unwrap_or(lines.len());
    let toc = toc_lines(lines, &classes, body_end);
    let last_article = (0..body_end)
        .rev()
        .find(|&i| !toc.contains(&i) && is_article(&classes[i]));
    let first_article = (0..body_end).find(|&i| !toc.contains(&i) && is_article(&classes[i]));
    let first_structure = (0..body_end).find(|&i| {
        !toc.contains(&i) && matches!(&classes[i], Class::Heading(_) | Class::ArticleMarker(_))
    });

    let mut b = Builder {
        file,
        conv,
        lines,
        out: Detected::default(),
        stack: Vec::new(),
        eids: HashMap::new(),
        last_owner: None,
        prev_article: None,
        main_lang: None,
        depths: HashMap::new(),
        prev_container: HashMap::new(),
        notes_per_parent: HashMap::new(),
    };
    let mut note = NoteState::None;
    let mut tail_mode: Option<BlockKind> = None;
    let mut consumed_as_heading: HashSet<usize> = HashSet::new();

    for (i, line) in lines.iter().enumerate() {
        if line.is_blank() {
            note = match note {
                NoteState::Open => NoteState::None,
                other => other,
            };
            continue;
        }
        let class = &classes[i];
        if matches!(class, Class::Meta) {
            b.block(BlockKind::Metadata, line.no);
            continue;
        }
        if Some(i) >= translation_start && translation_start.is_some() {
            b.block(BlockKind::Translation, line.no);
            continue;
        }
        if toc.contains(&i) {
            b.block(BlockKind::Toc, line.no);
            continue;
        }
        if consumed_as_heading.contains(&i) {
            continue;
        }
        if let Some(kind) = tail_mode {
            b.block(kind, line.no);
            continue;
        }

        // Editorial notes: a marker line, its continuation lines, and for a bare marker the next paragraph.
        let structural = matches!(class, Class::Heading(_) | Class::ArticleMarker(_))
            || (b.in_article() && patterns::marker(&line.text, conv).is_some());
        match note {
            NoteState::AwaitingParagraph if !structural => {
                b.block(BlockKind::Note, line.no);
                note = NoteState::Open;
                continue;
            }
            NoteState::Open if !structural && !patterns::is_editorial_note(&line.text) => {
                b.block(BlockKind::Note, line.no);
                continue;
            }
            _ => note = NoteState::None,
        }
        if patterns::is_editorial_note(&line.text) {
            b.note_says_repealed(&line.text);
            b.block(BlockKind::Note, line.no);
            note = if patterns::is_bare_note_marker(&line.text) {
                NoteState::AwaitingParagraph
            } else if line.text.starts_with('(') {
                // "(В редакции ...)" is whole in itself; the next line is text again.
                NoteState::None
            } else {
                NoteState::Open
            };
            continue;
        }

        let after_last_article = last_article.is_some_and(|last| i > last);
        let before_structure = first_structure.is_none_or(|first| i < first);

        if before_structure {
            b.front_line(line, class);
            continue;
        }
        let after_first_article = first_article.is_some_and(|first| i > first);
        let annex_heading = patterns::is_annex_heading(&line.text)
            && !matches!(class, Class::Heading(_))
            && (line.heading_level.is_some()
                || patterns::is_upper_line(&line.text)
                || patterns::is_bare_annex_label(&line.text));
        if (after_last_article || after_first_article) && annex_heading {
            tail_mode = Some(BlockKind::Annex);
            b.block(BlockKind::Annex, line.no);
            continue;
        }
        if after_last_article && patterns::is_signature_start(&line.text) {
            tail_mode = Some(BlockKind::Signature);
            b.block(BlockKind::Signature, line.no);
            continue;
        }
        if patterns::is_code_division(&line.text) {
            b.block(BlockKind::Title, line.no);
            continue;
        }

        match class {
            Class::Heading(h) => {
                let next = next_nonblank(lines, i + 1, body_end);
                let heading_line = if h.rest.is_empty() {
                    next.filter(|&j| {
                        !toc.contains(&j) && is_heading_continuation(&lines[j], &classes[j], h.kind)
                    })
                } else {
                    None
                };
                if let Some(j) = heading_line {
                    consumed_as_heading.insert(j);
                }
                b.open_heading(h, line, heading_line.map(|j| &lines[j]));
            }
            Class::ArticleMarker(num) => {
                let next = next_nonblank(lines, i + 1, body_end)
                    .filter(|&j| matches!(classes[j], Class::Other));
                if let Some(j) = next {
                    consumed_as_heading.insert(j);
                }
                b.open_marker_article(num, line, next.map(|j| &lines[j]));
            }
            _ => b.body_line(line),
        }
    }
    b.finish(lines)
}

#[derive(Debug, Clone, Copy)]
enum NoteState {
    None,
    /// A bare "Примечание ИЗПИ!" was seen; its paragraph follows after blank lines.
    AwaitingParagraph,
    /// Inside a note paragraph: non-blank lines continue it.
    Open,
}

fn conventions(lines: &[SourceLine]) -> DocConventions {
    let mut conv = DocConventions::default();
    let mut paragraphs = 0;
    for l in lines.iter().take(200_000) {
        let t = &l.text;
        if !conv.kyrgyz && t.contains("-берене") && t.split('-').next().is_some_and(is_digits)
        {
            conv.kyrgyz = true;
        }
        if t.starts_with('§') && t.len() < 200 {
            paragraphs += 1;
        }
    }
    conv.german = paragraphs >= 2;
    conv
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

fn classify(line: &SourceLine, conv: DocConventions) -> Class {
    if line.is_blank() {
        return Class::Blank;
    }
    match &line.hint {
        Some(LineHint::Metadata) => return Class::Meta,
        Some(LineHint::ArticleMarker { num }) => return Class::ArticleMarker(num.clone()),
        None => {}
    }
    if line.text.chars().count() > 1200 {
        return Class::Other;
    }
    match patterns::heading(&line.text, conv) {
        Some(h) => Class::Heading(h),
        None => Class::Other,
    }
}

fn is_article(c: &Class) -> bool {
    matches!(c, Class::Heading(h) if h.kind == ClauseKind::Article)
        || matches!(c, Class::ArticleMarker(_))
}

fn next_nonblank(lines: &[SourceLine], from: usize, end: usize) -> Option<usize> {
    (from..end).find(|&j| !lines[j].is_blank())
}

/// The title of a heading printed on the next line: a Markdown or HTML heading, or (for containers)
/// a line in capitals.
fn is_heading_continuation(line: &SourceLine, class: &Class, kind: ClauseKind) -> bool {
    if !matches!(class, Class::Other) || patterns::is_editorial_note(&line.text) {
        return false;
    }
    if line.heading_level.is_some() {
        return line.text.chars().count() <= 400;
    }
    kind.is_container() && patterns::is_upper_line(&line.text)
}

/// A translation printed after the text: article headings of a second language family appear after
/// those of the first. It starts at the title or container headings right before its first article.
fn translation_start(lines: &[SourceLine], classes: &[Class]) -> Option<usize> {
    let mut main: Option<KeywordLang> = None;
    let mut foreign = Vec::new();
    for (i, c) in classes.iter().enumerate() {
        if let Class::Heading(h) = c {
            if h.kind != ClauseKind::Article {
                continue;
            }
            match main {
                None => main = Some(h.lang),
                Some(m) if m != h.lang => foreign.push(i),
                _ => {}
            }
        }
    }
    let first = *foreign.first()?;
    if foreign.len() < 2 {
        return None;
    }
    let heading_like =
        |j: usize| lines[j].heading_level.is_some() || matches!(classes[j], Class::Heading(_));
    let is_title =
        |j: usize| lines[j].heading_level.is_some() && matches!(classes[j], Class::Other);
    let mut start = first;
    // Headings right before the first foreign article belong to the translation.
    let mut j = first;
    while let Some(k) = (0..j).rev().find(|&k| !lines[k].is_blank()) {
        if !heading_like(k) {
            break;
        }
        start = k;
        j = k;
    }
    // So do its title and a short preamble between that title and its first heading.
    let recent: Vec<usize> = (0..start)
        .rev()
        .filter(|&k| !lines[k].is_blank())
        .take(4)
        .collect();
    if let Some(&title) = recent.iter().rev().find(|&&k| is_title(k)) {
        start = title;
    }
    Some(start)
}

/// Tables of contents: an explicit marker line ("ОГЛАВЛЕНИЕ") and the run of bare headings after it,
/// or any run of at least three article headings with no text between them whose numbers come back
/// later in the body.
fn toc_lines(lines: &[SourceLine], classes: &[Class], end: usize) -> HashSet<usize> {
    let mut toc = HashSet::new();
    let article_at: Vec<usize> = (0..end).filter(|&i| is_article(&classes[i])).collect();
    let num_of = |i: usize| match &classes[i] {
        Class::Heading(h) => crate::model::clean_num(&h.num),
        Class::ArticleMarker(n) => crate::model::clean_num(n),
        _ => String::new(),
    };
    // Runs of article headings separated only by blank lines and container headings.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for w in article_at.windows(2) {
        let (a, b) = (w[0], w[1]);
        // A number that does not go up starts the body again: the run ends before it.
        let restarts = num_key(&num_of(b)) <= num_key(&num_of(a));
        let only_headings = !restarts
            && (a + 1..b).all(|k| {
                matches!(classes[k], Class::Blank | Class::Heading(_))
                    || lines[k].text.chars().count() <= 3
            });
        if only_headings {
            if current.is_empty() {
                current.push(a);
            }
            current.push(b);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    for run in runs {
        if run.len() < 3 {
            continue;
        }
        let last = *run.last().expect("run is not empty");
        let later: HashSet<String> = article_at
            .iter()
            .filter(|&&i| i > last)
            .map(|&i| num_of(i))
            .collect();
        let recurring = run.iter().filter(|&&i| later.contains(&num_of(i))).count();
        let marker_before =
            (run[0].saturating_sub(6)..run[0]).any(|k| patterns::is_toc_marker(&lines[k].text));
        if recurring * 2 >= run.len() || marker_before {
            // The run and any container headings inside it.
            for (k, line) in lines.iter().enumerate().take(last + 1).skip(run[0]) {
                if !line.is_blank() {
                    toc.insert(k);
                }
            }
            // Container headings listed just before the first article of the run.
            let mut k = run[0];
            while k > 0 && matches!(classes[k - 1], Class::Heading(_) | Class::Blank) {
                k -= 1;
                if !lines[k].is_blank() {
                    toc.insert(k);
                }
            }
        }
    }
    for (i, l) in lines.iter().enumerate().take(end) {
        if patterns::is_toc_marker(&l.text) {
            toc.insert(i);
        }
    }
    toc
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    Clause(usize),
    Block(usize),
}

struct Builder<'a> {
    file: &'a str,
    conv: DocConventions,
    lines: &'a [SourceLine],
    out: Detected,
    /// Open clauses, outermost first (indices into `out.clauses`).
    stack: Vec<usize>,
    /// eId -> clause index, for duplicates and lookups.
    eids: HashMap<String, usize>,
    last_owner: Option<Owner>,
    /// The previous article's number, as integers ("7-1" -> [7, 1]).
    prev_article: Option<(Vec<u64>, String, usize)>,
    main_lang: Option<KeywordLang>,
    /// Notes opened so far under each clause, to number the next one.
    notes_per_parent: HashMap<String, usize>,
    /// The previous number of each container kind, for flattened superscripts.
    prev_container: HashMap<ClauseKind, Vec<u64>>,
    /// Marker depth of each open part or point (see [`Marker::depth`]).
    depths: HashMap<usize, u8>,
}

impl Builder<'_> {
    fn diag(&mut self, severity: Severity, line: usize, message: String) {
        self.out.diagnostics.push(Diagnostic {
            severity,
            file: self.file.to_string(),
            line,
            message,
        });
    }

    fn block(&mut self, kind: BlockKind, line_no: usize) {
        if let Some(Owner::Block(idx)) = self.last_owner {
            let blk = &mut self.out.blocks[idx];
            if blk.kind == kind {
                blk.line_end = line_no;
                return;
            }
        }
        self.out.blocks.push(Block {
            kind,
            line_start: line_no,
            line_end: line_no,
        });
        self.last_owner = Some(Owner::Block(self.out.blocks.len() - 1));
    }

    /// "Сноска. Статья 47 исключена ..." inside article 47, or a bare "(Утратила силу ...)" as the only
    /// content of an article, marks the article repealed.
    fn note_says_repealed(&mut self, text: &str) {
        let Some(named) = patterns::repeal_note(text) else {
            return;
        };
        let Some(&art) = self
            .stack
            .iter()
            .rev()
            .find(|&&i| self.out.clauses[i].kind == ClauseKind::Article)
        else {
            return;
        };
        let c = &mut self.out.clauses[art];
        let applies = match named {
            Some(num) => crate::model::clean_num(&num) == crate::model::clean_num(&c.num),
            None => c.text.is_empty() && self.stack.last() == Some(&art),
        };
        if applies {
            c.status = Status::Repealed;
        }
    }

    fn in_article(&self) -> bool {
        self.stack.iter().any(|&i| {
            matches!(
                self.out.clauses[i].kind,
                ClauseKind::Article | ClauseKind::Note
            )
        })
    }

    /// Lines before the first heading: title, preamble, signatures of a wrapping act.
    fn front_line(&mut self, line: &SourceLine, class: &Class) {
        let _ = class;
        let kind = if patterns::is_toc_marker(&line.text) {
            BlockKind::Toc
        } else if line.heading_level.is_some()
            || patterns::is_code_division(&line.text)
            || (self
                .out
                .blocks
                .iter()
                .all(|b| b.kind == BlockKind::Title || b.kind == BlockKind::Metadata)
                && patterns::is_upper_line(&line.text))
        {
            BlockKind::Title
        } else if patterns::is_signature_start(&line.text)
            || (matches!(self.last_owner, Some(Owner::Block(i)) if self.out.blocks[i].kind == BlockKind::Signature)
                && line.text.chars().count() <= 60
                && !line.text.ends_with('.'))
        {
            BlockKind::Signature
        } else if patterns::substantive_note_label(&line.text).is_some() {
            // Before the text begins, a "Примечание." is the publisher's, not the law's.
            BlockKind::Note
        } else {
            BlockKind::Preamble
        };
        self.block(kind, line.no);
    }

    fn own_line(&mut self, idx: usize, line: &SourceLine, as_text: Option<&str>) {
        let no = line.no;
        {
            let c = &mut self.out.clauses[idx];
            match c.own_lines.last_mut() {
                Some((_, end)) if *end + 1 >= no && self.last_owner == Some(Owner::Clause(idx)) => {
                    *end = no
                }
                _ => c.own_lines.push((no, no)),
            }
            if let Some(text) = as_text {
                if !text.is_empty() {
                    if !c.text.is_empty() {
                        c.text.push('\n');
                    }
                    c.text.push_str(text);
                }
            }
        }
        for &s in &self.stack {
            let c = &mut self.out.clauses[s];
            c.line_end = c.line_end.max(no);
        }
        let c = &mut self.out.clauses[idx];
        c.line_end = c.line_end.max(no);
        self.last_owner = Some(Owner::Clause(idx));
    }

    fn push_clause(
        &mut self,
        kind: ClauseKind,
        num: &str,
        label: &str,
        heading: Option<String>,
        line_no: usize,
    ) -> Option<usize> {
        let parent = self.stack.last().map(|&i| self.out.clauses[i].eid.clone());
        let mut eid = join_eid(parent.as_deref(), &eid_part(kind, num));
        if self.eids.contains_key(&eid) {
            if !matches!(kind, ClauseKind::Article) && !kind.is_container() {
                return None;
            }
            let mut n = 2;
            while self.eids.contains_key(&format!("{eid}-dup{n}")) {
                n += 1;
            }
            self.diag(
                Severity::Warning,
                line_no,
                format!(
                    "duplicate {} number {num}: given the id {eid}-dup{n}",
                    kind.abbrev()
                ),
            );
            eid = format!("{eid}-dup{n}");
        }
        let status = if heading
            .as_deref()
            .is_some_and(patterns::heading_says_repealed)
        {
            Status::Repealed
        } else {
            Status::InForce
        };
        self.out.clauses.push(Clause {
            eid: eid.clone(),
            kind,
            num: num.to_string(),
            label: label.to_string(),
            heading,
            text: String::new(),
            status,
            line_start: line_no,
            line_end: line_no,
            parent,
            own_lines: Vec::new(),
        });
        let idx = self.out.clauses.len() - 1;
        self.eids.insert(eid, idx);
        self.stack.push(idx);
        Some(idx)
    }

    fn pop_while(&mut self, mut keep: impl FnMut(&Clause) -> bool) {
        while let Some(&top) = self.stack.last() {
            if keep(&self.out.clauses[top]) {
                break;
            }
            self.stack.pop();
        }
    }

    fn open_heading(&mut self, h: &Heading, line: &SourceLine, heading_line: Option<&SourceLine>) {
        let mut heading = (!h.rest.is_empty()).then(|| h.rest.clone());
        let mut num = h.num.clone();
        if h.kind == ClauseKind::Article {
            if self.main_lang.is_none() {
                self.main_lang = Some(h.lang);
            }
            // "Статья 16 1": a superscript flattened after a space.
            if let Some(r) = &heading {
                if r.len() <= 2 && is_digits(r) && self.prev_base() == Some(num.clone()) {
                    num = format!("{num}-{r}");
                    heading = None;
                }
            }
            num = self.unflatten(ClauseKind::Article, num, line.no);
            self.check_sequence(&num, line.no);
            self.pop_while(|c| c.kind.is_container());
        } else {
            num = self.unflatten(h.kind, num, line.no);
            let rank = h.kind.container_rank().unwrap_or(0);
            self.pop_while(|c| c.kind.container_rank().is_some_and(|r| r < rank));
        }
        if heading.is_none() {
            heading = heading_line.map(|l| l.text.clone());
        }
        let Some(idx) = self.push_clause(h.kind, &num, &h.label, heading, line.no) else {
            return;
        };
        self.own_line(idx, line, None);
        if let Some(hl) = heading_line {
            self.own_line(idx, hl, None);
        }
    }

    fn open_marker_article(&mut self, num: &str, line: &SourceLine, next: Option<&SourceLine>) {
        let mut num = self.unflatten(ClauseKind::Article, num.to_string(), line.no);
        let mut next_text = next.map(|n| n.text.clone());
        // A scraper repeats "article: 18." for 18¹ and starts the title with the flattened "1 . ".
        let repeated = self.prev_article.as_ref().is_some_and(|(_, prev, _)| {
            crate::model::clean_num(prev) == crate::model::clean_num(&num)
        });
        if repeated {
            if let Some((sup, rest)) = next_text.as_deref().and_then(split_superscript_prefix) {
                self.diag(
                    Severity::Info,
                    line.no,
                    format!("article number {num} repeated with \"{sup} .\" before its title: read as {num}-{sup}"),
                );
                num = format!("{num}-{sup}");
                next_text = Some(rest);
            }
        }
        self.check_sequence(&num, line.no);
        self.pop_while(|c| c.kind.is_container());
        let (heading, text) = match &next_text {
            Some(n) => split_scraped_heading(n),
            None => (None, None),
        };
        let Some(idx) = self.push_clause(ClauseKind::Article, &num, "Статья", heading, line.no)
        else {
            return;
        };
        self.own_line(idx, line, None);
        if let Some(n) = next {
            self.own_line(idx, n, text.as_deref());
            if let Some(t) = &text {
                if patterns::says_repealed(t) {
                    self.out.clauses[idx].status = Status::Repealed;
                }
            }
        }
    }

    fn prev_base(&self) -> Option<String> {
        self.prev_article
            .as_ref()
            .and_then(|(v, _, _)| v.first().map(|n| n.to_string()))
    }

    /// "Статья 2741" after "Статья 274" is 274.1 printed with a flattened superscript; only read it so
    /// when the sequence says so. Chapters too ("ГЛАВА 151" after "ГЛАВА 15").
    fn unflatten(&mut self, kind: ClauseKind, num: String, line_no: usize) -> String {
        let prev = if kind == ClauseKind::Article {
            self.prev_article.as_ref().map(|(v, _, _)| v.clone())
        } else {
            self.prev_container.get(&kind).cloned()
        };
        let read = prev.and_then(|p| unflatten(&num, &p));
        let num = match read {
            Some(read) => {
                self.diag(
                    Severity::Info,
                    line_no,
                    format!(
                        "{} number {num} read as {read} (a flattened superscript)",
                        kind.abbrev()
                    ),
                );
                read
            }
            None => num,
        };
        if kind != ClauseKind::Article {
            self.prev_container.insert(kind, num_key(&num));
        }
        num
    }

    fn check_sequence(&mut self, num: &str, line_no: usize) {
        let key = num_key(num);
        if let Some((prev, prev_num, _)) = &self.prev_article {
            let prev_num = prev_num.clone();
            if key <= *prev {
                let what = if key == *prev {
                    "duplicate"
                } else {
                    "out-of-order"
                };
                self.diag(
                    Severity::Warning,
                    line_no,
                    format!("{what} article number {num} after article {prev_num}"),
                );
            } else if key.len() == 1 && prev.first().is_some_and(|&p| key[0] > p + 1) {
                let p = prev[0];
                let missing = if key[0] == p + 2 {
                    format!("{}", p + 1)
                } else {
                    format!("{}-{}", p + 1, key[0] - 1)
                };
                self.diag(
                    Severity::Warning,
                    line_no,
                    format!("numbering gap: article {num} follows article {prev_num} (missing {missing})"),
                );
            }
        }
        self.prev_article = Some((key, num.to_string(), line_no));
    }

    fn body_line(&mut self, line: &SourceLine) {
        let text = line.text.as_str();
        if let Some(label) = patterns::substantive_note_label(text) {
            if let Some(parent_pos) = self.stack.iter().rposition(|&i| {
                let k = self.out.clauses[i].kind;
                k == ClauseKind::Article || k.is_container()
            }) {
                self.stack.truncate(parent_pos + 1);
                let parent = self.stack[parent_pos];
                let peid = self.out.clauses[parent].eid.clone();
                let counter = self.notes_per_parent.entry(peid).or_insert(0);
                *counter += 1;
                let n = *counter;
                let label = label.to_string();
                if let Some(idx) =
                    self.push_clause(ClauseKind::Note, &n.to_string(), &label, None, line.no)
                {
                    self.own_line(idx, line, Some(text));
                }
                return;
            }
        }
        if self.in_article() {
            if let Some(m) = patterns::marker(text, self.conv) {
                if self.open_marker(&m, line) {
                    return;
                }
            }
        }
        match self.stack.last().copied() {
            Some(top) => {
                self.own_line(top, line, Some(text));
                let c = &mut self.out.clauses[top];
                if c.kind == ClauseKind::Article && c.text == text && patterns::says_repealed(text)
                {
                    c.status = Status::Repealed;
                }
            }
            None => self.block(BlockKind::Preamble, line.no),
        }
    }

    /// Open a numbered part or point; false when the number cannot be a new unit here (a duplicate),
    /// so the line stays text of the current clause.
    fn open_marker(&mut self, m: &Marker, line: &SourceLine) -> bool {
        let mut m = m.clone();
        // "(i)" right after "(h)" is the letter i, not the roman numeral one.
        if let Marker::RomanPoint(r) = &m {
            let letter_sibling = self
                .stack
                .iter()
                .rev()
                .find(|&&i| {
                    self.marker_depth_of(i) == 3 && self.out.clauses[i].kind == ClauseKind::Point
                })
                .map(|&i| self.out.clauses[i].num.clone());
            let follows_letter = letter_sibling.is_some_and(|prev| {
                let mut chars = prev.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        char::from_u32(c as u32 + 1).is_some_and(|n| r == &n.to_string())
                    }
                    _ => false,
                }
            });
            if follows_letter {
                m = Marker::LetterPoint(r.clone());
            }
        }
        let depth = m.depth();
        let stack_before = self.stack.clone();
        while let Some(&top) = self.stack.last() {
            let c = &self.out.clauses[top];
            if matches!(c.kind, ClauseKind::Para | ClauseKind::Point) {
                let d = self.marker_depth_of(top);
                if d >= depth {
                    self.stack.pop();
                    continue;
                }
            }
            break;
        }
        let lang = self.main_lang.unwrap_or(KeywordLang::Cis);
        let label = m.label(lang);
        let Some(idx) = self.push_clause(m.kind(), m.num(), label, None, line.no) else {
            self.stack = stack_before;
            return false;
        };
        self.depths.insert(idx, depth);
        let text = line.text.clone();
        self.own_line(idx, line, Some(&text));
        if patterns::says_repealed(strip_marker(&text)) {
            self.out.clauses[idx].status = Status::Repealed;
        }
        true
    }

    fn marker_depth_of(&self, idx: usize) -> u8 {
        self.depths.get(&idx).copied().unwrap_or(1)
    }

    fn finish(mut self, lines: &[SourceLine]) -> Detected {
        let _ = self.lines;
        if self.out.clauses.is_empty() {
            // Nothing recognised: say so, and keep the text as one block.
            let first = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
            self.diag(
                Severity::Warning,
                first,
                "no structure recognised (no articles or chapters); the text is kept as one block"
                    .to_string(),
            );
            for b in &mut self.out.blocks {
                if b.kind == BlockKind::Preamble {
                    b.kind = BlockKind::Unstructured;
                }
            }
        }
        let mut empty = Vec::new();
        for (i, c) in self.out.clauses.iter().enumerate() {
            if c.kind == ClauseKind::Article
                && c.status != Status::Repealed
                && c.text.is_empty()
                && !self
                    .out
                    .clauses
                    .iter()
                    .skip(i + 1)
                    .any(|d| d.parent.as_deref() == Some(&c.eid))
            {
                empty.push((c.line_start, c.num.clone()));
            }
        }
        for (line, num) in empty {
            self.diag(
                Severity::Warning,
                line,
                format!("article {num} has a heading but no text"),
            );
        }
        self.out.diagnostics.sort_by_key(|d| d.line);
        self.out
    }
}

/// "7-1" -> [7, 1]; roman numerals and letters give an empty key.
fn num_key(num: &str) -> Vec<u64> {
    num.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Read a flattened superscript ("2741" after 274 or 274-1 -> "274-1") when, and only when, the
/// number jumps far ahead of its predecessor, starts with the predecessor's base and its tail is the
/// next insertion number.
fn unflatten(num: &str, prev: &[u64]) -> Option<String> {
    if !is_digits(num) {
        return None;
    }
    let &base = prev.first()?;
    let base_s = base.to_string();
    let n: u64 = num.parse().ok()?;
    if n <= base + 20 || !num.starts_with(&base_s) || num.len() > base_s.len() + 2 {
        return None;
    }
    let suffix = &num[base_s.len()..];
    if suffix.starts_with('0') {
        return None;
    }
    let sub: u64 = suffix.parse().ok()?;
    let prev_sub = prev.get(1).copied().unwrap_or(0);
    if sub != prev_sub + 1 {
        return None;
    }
    Some(format!("{base_s}-{suffix}"))
}

/// "1 . Title" -> ("1", "Title").
fn split_superscript_prefix(text: &str) -> Option<(String, String)> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let rest = text[digits.len()..].trim_start().strip_prefix('.')?;
    Some((digits, rest.trim().to_string()))
}

fn strip_marker(text: &str) -> &str {
    match text.find([')', '.']) {
        Some(p) if p < 12 => &text[p + 1..],
        _ => text,
    }
}

/// A scraped article's first line is its heading, or its heading glued to the first sentence
/// ("Сфера действия настоящего Закона 1. Действие ..."). Returns (heading, remaining text).
fn split_scraped_heading(text: &str) -> (Option<String>, Option<String>) {
    let short = text.chars().count() <= 250;
    if short && !text.ends_with(['.', ';', ':', ',']) {
        return (Some(text.to_string()), None);
    }
    for pat in [" 1. ", " 1) "] {
        if let Some(p) = text.find(pat) {
            if text[..p].chars().count() <= 250 && p > 0 {
                return (
                    Some(text[..p].trim().to_string()),
                    Some(text[p + 1..].trim().to_string()),
                );
            }
        }
    }
    (None, Some(text.to_string()))
}
