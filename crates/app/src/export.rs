//! Exports for partners' tools: the case as FollowTheMoney entities (JSON
//! lines, as Aleph and OpenSanctions tooling read them) and its records as
//! CSV. Both leave the case through the same chooser as a bundle
//! ([`crate::bundle::Profile`]): what the witnesses' consent does not allow
//! for the use is left out, with what only it says, and witnesses appear by
//! pseudonym. See `docs/formats/exports.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;
use std::path::Path;

use casefile_records::{Record, RecordKind, Records, Status};
use serde::Serialize;

use crate::bundle::{Form, LeftOut, Profile};
use crate::case::Case;
use crate::error::{Error, io_at};
use crate::log::Selection;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    /// The file.
    pub out: std::path::PathBuf,
    /// Who it is for.
    pub profile: String,
    /// How many lines (entities, or records).
    pub written: usize,
    /// By kind (FtM schema, or record kind).
    pub by_kind: BTreeMap<String, usize>,
    /// The sources left out, and why.
    pub left_out: Vec<LeftOut>,
}

/// One FollowTheMoney entity.
#[derive(Debug, Clone, Serialize)]
struct Ftm {
    id: String,
    schema: &'static str,
    properties: BTreeMap<&'static str, Vec<String>>,
}

impl Ftm {
    /// An entity of `schema` whose id is `id` with every character FtM
    /// does not allow in ids (anything but ASCII letters, digits, `.` and
    /// `-`) written as `-`.
    fn new(id: String, schema: &'static str) -> Ftm {
        let id = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        Ftm {
            id,
            schema,
            properties: BTreeMap::new(),
        }
    }

    /// Adds a value, when it is not empty and not there yet.
    fn add(&mut self, property: &'static str, value: impl Into<String>) {
        let value: String = value.into();
        let value = value.trim().to_owned();
        if value.is_empty() {
            return;
        }
        let values = self.properties.entry(property).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
}

/// What an export reads: the chosen sources and the entities and records
/// of those alone, from a store that holds the protected layer only when a
/// protected source may leave.
struct Material {
    snapshot: crate::Snapshot,
    sources: Vec<casefile_vault::SourceRecord>,
    withheld: BTreeMap<u64, String>,
    left_out: Vec<LeftOut>,
    protected: bool,
}

impl Case {
    fn material(&self, profile: &Profile) -> Result<Material, Error> {
        let snapshot = self.snapshot_as(false)?;
        let (size, _) = self.vault().latest_checkpoint()?;
        let chosen = self.choose(&snapshot, profile, None, size)?;
        let protected = chosen
            .chosen
            .iter()
            .any(|(_, form, _)| !matches!(form, Form::Open));
        let kept: BTreeSet<u64> = chosen
            .chosen
            .iter()
            .map(|(r, _, _)| r.entry.index)
            .collect();
        let mut withheld = BTreeMap::new();
        for page in crate::log::pages(self.vault(), Selection::Below(size)) {
            for record in page? {
                let index = record.entry.index;
                if record.entry.kind != casefile_vault::SourceKind::Curation
                    && !kept.contains(&index)
                {
                    let why = chosen
                        .refused
                        .get(&index)
                        .cloned()
                        .unwrap_or_else(|| "not exported".to_owned());
                    withheld.insert(index, why);
                }
            }
        }
        Ok(Material {
            snapshot,
            sources: chosen.chosen.into_iter().map(|(r, _, _)| r).collect(),
            withheld,
            left_out: chosen.left_out,
            protected,
        })
    }

    /// Writes the case as FollowTheMoney entities, one JSON object a line,
    /// to `out` (a new file) for `profile`: each source a Document, each
    /// person, organization and place (Person, Organization or PublicBody,
    /// Address) with
    /// the names it goes by, a Mention of each name as a source writes it
    /// and a Documentation tying it to the source, each event, violation,
    /// promise, engagement and group an Event with its dates, parties and
    /// the sentence it rests on, each relation a Membership or an
    /// UnknownLink over its time.
    pub fn export_ftm(&self, profile: &Profile, out: &Path) -> Result<Exported, Error> {
        let material = self.material(profile)?;
        let store = material.snapshot.store();
        let (entities, records) = if material.protected {
            crate::report::without(store, &material.withheld)?
        } else {
            store.open_layer_only(|open| crate::report::without(open, &material.withheld))?
        };
        let slug: String = self
            .origin()
            .rsplit('/')
            .next()
            .unwrap_or("case")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let mut lines: Vec<Ftm> = Vec::new();

        // Sources.
        let mut document_of: HashMap<u64, String> = HashMap::new();
        for record in &material.sources {
            let entry = &record.entry;
            let mut doc = Ftm::new(format!("{slug}-{}", record.id), "Document");
            let id = doc.id.clone();
            let mut first: Option<casefile_document::Document> = None;
            material.snapshot.documents(entry.index, &mut |d, _| {
                if first.is_none() {
                    first = Some(d);
                }
            })?;
            let name = if entry.sealed.is_some() {
                format!("{} #{}", entry.kind.as_str(), entry.index)
            } else {
                entry
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{} #{}", entry.kind.as_str(), entry.index))
            };
            doc.add("fileName", name);
            doc.add("contentHash", entry.sha256.to_hex());
            doc.add("fileSize", entry.size.to_string());
            if entry.sealed.is_none() {
                if let Some(url) = &entry.url {
                    doc.add("sourceUrl", url.clone());
                }
                if let Some(at) = &entry.acquired_at {
                    doc.add("date", ftm_time(at));
                }
            }
            doc.add("processedAt", ftm_time(&entry.added_at));
            doc.add("keywords", entry.kind.as_str());
            if let Some(d) = &first {
                if let Some(title) = &d.title {
                    doc.add("title", title.clone());
                }
                if let Some(language) = d.language.as_ref().and_then(|l| iso639_3(&l.code)) {
                    doc.add("language", language);
                }
                if let Some(published) = d.published.as_deref() {
                    doc.add("publishedAt", ftm_time(published));
                }
                for author in &d.authors {
                    doc.add("author", author.clone());
                }
            }
            document_of.insert(entry.index, id);
            lines.push(doc);
        }

        // Entities, their names and where they are named.
        let mut entity_of: HashMap<String, (String, &'static str)> = HashMap::new();
        for e in &entities {
            let schema = match e.kind.as_str() {
                "person" => "Person",
                // A ministry, court, prosecutor's office, service, council
                // or troops: a public body.
                "organization"
                    if casefile_extract::institutions::public_body(&e.name).is_some() =>
                {
                    "PublicBody"
                }
                "organization" => "Organization",
                _ => "Address",
            };
            let mut thing = Ftm::new(format!("{slug}-e{}", e.id), schema);
            let id = thing.id.clone();
            let stored: Option<crate::resolve::StoredEntity> = store.entity(&e.id)?;
            if schema == "Address" {
                thing.add("full", e.name.clone());
            } else {
                thing.add("name", e.name.clone());
            }
            let mut said: BTreeSet<(u64, String)> = BTreeSet::new();
            if let Some(stored) = &stored {
                for (name, _) in &stored.names {
                    if *name != e.name {
                        thing.add(
                            if schema == "Address" {
                                "remarks"
                            } else {
                                "alias"
                            },
                            name.clone(),
                        );
                    }
                }
                for m in &stored.mentions {
                    if document_of.contains_key(&m.source) {
                        said.insert((m.source, m.text.clone()));
                    }
                }
            }
            thing.add("notes", format!("casefile entity E{}", e.id));
            entity_of.insert(format!("E{}", e.id), (id.clone(), schema));
            lines.push(thing);
            let mut documented = BTreeSet::new();
            for (n, (source, text)) in said.iter().enumerate() {
                let document = &document_of[source];
                let mut mention = Ftm::new(format!("{id}-m{n}"), "Mention");
                mention.add("document", document.clone());
                mention.add("name", text.clone());
                if schema != "Address" {
                    mention.add("resolved", id.clone());
                }
                mention.add("detectedSchema", schema);
                lines.push(mention);
                if documented.insert(*source) {
                    let mut link = Ftm::new(format!("{id}-d{source}"), "Documentation");
                    link.add("document", document.clone());
                    link.add("entity", id.clone());
                    link.add("role", "mentioned");
                    lines.push(link);
                }
            }
        }

        // Records.
        for record in records.iter().filter(|r| r.status != Status::Rejected) {
            if record.merged_into.is_some() {
                continue;
            }
            lines.extend(record_entities(
                &slug,
                record,
                &records,
                &entity_of,
                &document_of,
            ));
        }

        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut text = String::new();
        for line in &lines {
            *by_kind.entry(line.schema.to_owned()).or_default() += 1;
            text.push_str(&serde_json::to_string(line).map_err(|e| Error::io(e.to_string()))?);
            text.push('\n');
        }
        write_new(out, text.as_bytes())?;
        Ok(Exported {
            out: out.to_path_buf(),
            profile: profile.name(),
            written: lines.len(),
            by_kind,
            left_out: material.left_out,
        })
    }

    /// Writes the case's records as CSV (RFC 4180) to `out` (a new file) for
    /// `profile`: one row per record kept (not rejected, not merged into
    /// another), with its values, links and every citation word for word.
    pub fn export_records_csv(&self, profile: &Profile, out: &Path) -> Result<Exported, Error> {
        let material = self.material(profile)?;
        let store = material.snapshot.store();
        let (_, records) = if material.protected {
            crate::report::without(store, &material.withheld)?
        } else {
            store.open_layer_only(|open| crate::report::without(open, &material.withheld))?
        };
        let mut text =
            String::from("id,kind,subtype,label,status,status_by,values,links,citations\r\n");
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut written = 0;
        for record in records.iter().filter(|r| r.status != Status::Rejected) {
            if record.merged_into.is_some() {
                continue;
            }
            let values: Vec<String> = record
                .values
                .iter()
                .map(|(k, v)| format!("{k}={}", v.value))
                .collect();
            let links: Vec<String> = record
                .links
                .iter()
                .map(|l| format!("{}={}", l.role, l.target))
                .collect();
            let citations: Vec<String> = record
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "#{} document {} {}:{}-{} \u{201c}{}\u{201d}",
                        e.source, e.document, e.field, e.start, e.end, e.quote
                    )
                })
                .collect();
            let cells = [
                record.id.clone(),
                record.kind.as_str().to_owned(),
                record.subtype.clone().unwrap_or_default(),
                record.label.clone(),
                record.status.as_str().to_owned(),
                record.status_by.method.clone(),
                values.join("; "),
                links.join("; "),
                citations.join(" | "),
            ];
            let row: Vec<String> = cells.iter().map(|c| crate::bundle::csv_cell(c)).collect();
            text.push_str(&row.join(","));
            text.push_str("\r\n");
            *by_kind.entry(record.kind.as_str().to_owned()).or_default() += 1;
            written += 1;
        }
        write_new(out, text.as_bytes())?;
        Ok(Exported {
            out: out.to_path_buf(),
            profile: profile.name(),
            written,
            by_kind,
            left_out: material.left_out,
        })
    }
}

impl Case {
    /// Writes the case report as of `as_of` for `profile` as a PDF to `out`
    /// (a new file), set in a system font with Cyrillic
    /// ([`crate::fonts::report_fonts`]); its citations name sources by log
    /// index.
    pub fn export_report_pdf(
        &self,
        profile: &Profile,
        as_of: jiff::civil::Date,
        out: &Path,
    ) -> Result<Exported, Error> {
        let material = self.material(profile)?;
        let store = material.snapshot.store();
        let mut report = if material.protected {
            crate::report::build(self.vault(), store, as_of, true, &material.withheld)?
        } else {
            store.open_layer_only(|open| {
                crate::report::build(self.vault(), open, as_of, false, &material.withheld)
            })?
        };
        let refused: BTreeSet<u64> = material.left_out.iter().map(|l| l.log_index).collect();
        report.withheld.retain(|w| refused.contains(&w.source));
        report.protected_left_out = 0;
        let title = format!(
            "Case report of {}, as of {as_of} (for {})",
            self.origin(),
            profile.name()
        );
        let lines = casefile_report::html::outline(&report, &title, &|_| None);
        let pdf = crate::fonts::report_pdf(&lines, &title).map_err(Error::invalid)?;
        write_new(out, &pdf)?;
        Ok(Exported {
            out: out.to_path_buf(),
            profile: profile.name(),
            written: report.documents,
            by_kind: BTreeMap::from([("documents".to_owned(), report.documents)]),
            left_out: material.left_out,
        })
    }
}

/// The FtM entities of one record: an Event (with a Documentation per
/// source it cites) for what happened, a Membership or UnknownLink for a
/// relation between two exported entities; nothing for the entity records
/// and claims, which the entities and events already tell.
fn record_entities(
    slug: &str,
    record: &Record,
    records: &Records,
    entity_of: &HashMap<String, (String, &'static str)>,
    document_of: &HashMap<u64, String>,
) -> Vec<Ftm> {
    let id = Ftm::new(format!("{slug}-r-{}", record.id), "Event").id;
    let mut out = Vec::new();
    let target = |t: &str| -> Option<(String, &'static str)> {
        entity_of.get(t).cloned().or_else(|| {
            // A record that stands for an entity's record: its entity.
            records.get(t).and_then(|r| entity_of.get(&r.id).cloned())
        })
    };
    match record.kind {
        RecordKind::Event
        | RecordKind::Violation
        | RecordKind::Promise
        | RecordKind::Engagement
        | RecordKind::Group => {
            let mut event = Ftm::new(id.clone(), "Event");
            event.add("name", record.label.clone());
            event.add(
                "description",
                match &record.subtype {
                    Some(subtype) => format!("{} ({subtype})", record.kind.as_str()),
                    None => record.kind.as_str().to_owned(),
                },
            );
            event.add("recordId", record.id.clone());
            event.add("keywords", record.kind.as_str());
            event.add("notes", format!("status: {}", record.status.as_str()));
            if let Some(when) = record.value("when").or(record.value("date"))
                && let Some(bounds) = casefile_dates::edtf::bounds(when)
            {
                if bounds.earliest == bounds.latest && !bounds.open {
                    event.add("date", bounds.earliest.to_string());
                } else {
                    event.add("startDate", bounds.earliest.to_string());
                    if !bounds.open {
                        event.add("endDate", bounds.latest.to_string());
                    }
                }
            }
            if let Some(count) = record.value("count") {
                event.add("summary", format!("count: {count}"));
            }
            for (role, property) in [
                ("victim", "involved"),
                ("party", "involved"),
                ("subject", "involved"),
                ("perpetrator", "organizer"),
                ("recruiter", "organizer"),
            ] {
                for t in record.linked(role) {
                    if let Some((target, schema)) = target(t)
                        && schema != "Address"
                    {
                        event.add(property, target);
                    }
                }
            }
            for t in record.linked("place") {
                if let Some((_, "Address")) = target(t) {
                    // A place is written out: Event.location is an address.
                    if let Some(r) = records.get(t) {
                        event.add("location", r.label.clone());
                    }
                }
            }
            let mut cited = BTreeSet::new();
            for e in &record.evidence {
                event.add("summary", e.quote.clone());
                if let Some(document) = document_of.get(&e.source)
                    && cited.insert(e.source)
                {
                    let mut link = Ftm::new(format!("{id}-d{}", e.source), "Documentation");
                    link.add("document", document.clone());
                    link.add("entity", id.clone());
                    link.add("role", "cited");
                    link.add("summary", e.quote.clone());
                    out.push(link);
                }
            }
            out.insert(0, event);
        }
        RecordKind::Relation => {
            let subject = record.linked("subject").find_map(target);
            let object = record.linked("object").find_map(target);
            if let (Some((subject, s)), Some((object, o))) = (subject, object)
                && s != "Address"
                && o != "Address"
            {
                let kind = record.subtype.clone().unwrap_or_else(|| "relation".into());
                let mut link = if (o == "Organization" || o == "PublicBody") && kind != "succession"
                {
                    let mut m = Ftm::new(id, "Membership");
                    m.add("member", subject);
                    m.add("organization", object);
                    m
                } else {
                    let mut u = Ftm::new(id, "UnknownLink");
                    u.add("subject", subject);
                    u.add("object", object);
                    u
                };
                link.add("role", kind);
                link.add("recordId", record.id.clone());
                if let Some(since) = record.value("since").or(record.value("when"))
                    && let Some(bounds) = casefile_dates::edtf::bounds(since)
                {
                    link.add("startDate", bounds.earliest.to_string());
                }
                if let Some(until) = record.value("until")
                    && let Some(bounds) = casefile_dates::edtf::bounds(until)
                {
                    link.add("endDate", bounds.latest.to_string());
                }
                for e in &record.evidence {
                    link.add("summary", e.quote.clone());
                }
                out.push(link);
            }
        }
        _ => {}
    }
    out
}

/// A time as FtM keeps it: to the minute (its dates carry no seconds).
fn ftm_time(text: &str) -> String {
    // 2024-06-01T10:00:00.000Z → 2024-06-01T10:00; dates stay as they are.
    match text.split_once('T') {
        Some((day, time)) if time.len() >= 5 => format!("{day}T{}", &time[..5]),
        Some((day, _)) => day.to_owned(),
        None => text.to_owned(),
    }
}

/// The ISO 639-3 code FtM keeps for a language casefile names by ISO 639-1.
fn iso639_3(code: &str) -> Option<&'static str> {
    Some(match code {
        "ru" => "rus",
        "uk" => "ukr",
        "en" => "eng",
        "be" => "bel",
        "de" => "deu",
        "fr" => "fra",
        "pl" => "pol",
        _ => return None,
    })
}

/// Writes a new file (it must not exist), flushed.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::conflict(format!(
                    "{} already exists; give a new file",
                    path.display()
                ))
            } else {
                io_at(path, e)
            }
        })?;
    file.write_all(bytes).map_err(|e| io_at(path, e))?;
    file.sync_all().map_err(|e| io_at(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_what_followthemoney_keeps() {
        assert_eq!(ftm_time("2026-12-07T12:30:29.489Z"), "2026-12-07T12:30");
        assert_eq!(ftm_time("2024-06-01"), "2024-06-01");
        assert_eq!(ftm_time("2024"), "2024");
        assert_eq!(iso639_3("uk"), Some("ukr"));
        let mut e = Ftm::new("x".into(), "Person");
        e.add("name", " Алексей Дикий ");
        e.add("name", "Алексей Дикий");
        e.add("alias", "");
        assert_eq!(e.properties["name"], vec!["Алексей Дикий".to_owned()]);
        assert!(!e.properties.contains_key("alias"));
    }
}
