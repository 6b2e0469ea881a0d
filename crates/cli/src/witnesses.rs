//! `casefile witnesses`, `casefile consent` and `casefile mask`: the
//! protected people of a case, what they agreed to, and what of their
//! testimonies is masked. All of it is kept sealed; every command needs the
//! case unlocked.

use casefile_app::Case;
use casefile_app::witness::{ConsentRequest, MaskProposal, NewWitness, Use, Witness};
use clap::Subcommand;

use crate::output::{Exit, print_json};

/// `casefile witnesses ...`
#[derive(Debug, Subcommand)]
pub(crate) enum WitnessCommand {
    /// Register a witness: a protected person, shown everywhere by a
    /// pseudonym (W-001...) unless a cleared member asks for names with
    /// --names. Their name, contacts and details are kept sealed.
    Add {
        /// Their name as they gave it.
        #[arg(long)]
        name: String,
        /// Another name or spelling they are known by; repeat for several.
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
        /// How to reach them (phone, e-mail, messenger); repeat for several.
        #[arg(long = "contact", value_name = "CONTACT")]
        contacts: Vec<String>,
        /// Anything else that identifies them.
        #[arg(long)]
        details: Option<String>,
        /// A source that is their account (a testimony, a complaint);
        /// repeat for several.
        #[arg(long = "source", value_name = "SOURCE")]
        sources: Vec<String>,
        /// Who registers them (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// List the witnesses: pseudonym, accounts and consent (names only
    /// with --names).
    List,
    /// Show one witness (W-001): accounts, entities, every change of
    /// consent.
    Show {
        /// The pseudonym.
        witness: String,
    },
}

/// What a change of consent names: the witness, the use, when and where
/// it is recorded, and who records it.
#[derive(Debug, clap::Args)]
pub(crate) struct ConsentArgs {
    /// The witness (W-001).
    witness: String,
    /// For what: internal, court, publication, or partner:NAME.
    #[arg(long, value_name = "USE")]
    to: String,
    /// When they said so (default: today).
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
    /// The source that records it (a signed form, a recording).
    #[arg(long, value_name = "SOURCE")]
    recorded_in: Option<String>,
    /// Who records it (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// `casefile consent ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ConsentCommand {
    /// Record that a witness consented to a use of their account.
    Give {
        #[command(flatten)]
        args: ConsentArgs,
        /// With their name (default: anonymously).
        #[arg(long)]
        named: bool,
    },
    /// Record that a witness withdrew a consent.
    Withdraw {
        #[command(flatten)]
        args: ConsentArgs,
    },
}

/// `casefile mask ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MaskCommand {
    /// List what the machine proposes to mask in a protected source: names
    /// of people, phone numbers, e-mail addresses, street addresses, dates
    /// of birth; numbered for `mask confirm`.
    Propose {
        /// The source.
        source: String,
    },
    /// Confirm proposals to mask (by the numbers `mask propose` prints, or
    /// all of them): outputs and redacted disclosures show a bar instead.
    Confirm {
        /// The source.
        source: String,
        /// The proposals' numbers.
        numbers: Vec<usize>,
        /// Every proposal.
        #[arg(long, conflicts_with = "numbers")]
        all: bool,
        /// Who confirms (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
}

fn consent_line(witness: &Witness) -> String {
    let mut uses = vec![Use::Internal, Use::Court, Use::Publication];
    let mut partners: Vec<Use> = witness
        .consent
        .iter()
        .map(|c| c.to.clone())
        .filter(|u| matches!(u, Use::Partner(_)))
        .collect();
    partners.sort();
    partners.dedup();
    uses.extend(partners);
    uses.iter()
        .map(|u| {
            let answer = match witness.allows(u) {
                casefile_app::witness::Allowed::Named => "named",
                casefile_app::witness::Allowed::Anonymous => "anonymous",
                casefile_app::witness::Allowed::Refused { .. } => "no",
            };
            format!("{}: {answer}", u.name())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `casefile witnesses`
pub(crate) fn witnesses(
    case: &Case,
    command: WitnessCommand,
    names: bool,
    json: bool,
) -> anyhow::Result<Exit> {
    match command {
        WitnessCommand::Add {
            name,
            aliases,
            contacts,
            details,
            sources,
            by,
        } => {
            let by = crate::add::who(by);
            let pseudonym = case.add_witness(
                &NewWitness {
                    name,
                    aliases,
                    contacts,
                    details,
                    sources,
                },
                &by,
            )?;
            if json {
                print_json(&serde_json::json!({ "pseudonym": pseudonym }));
            } else {
                crate::say!(
                    "registered witness {pseudonym} (kept sealed; outputs show {pseudonym} for \
                     their name)"
                );
            }
        }
        WitnessCommand::List => {
            let register = case.witnesses()?;
            for witness in &register.witnesses {
                let shown = shown(witness, names);
                if json {
                    print_json(&shown);
                } else {
                    let sources: Vec<String> =
                        shown.sources.iter().map(|s| format!("#{s}")).collect();
                    crate::say!(
                        "{}  {}accounts {}; consent {}",
                        shown.pseudonym,
                        if names {
                            format!("{}  ", shown.name)
                        } else {
                            String::new()
                        },
                        if sources.is_empty() {
                            "none".to_owned()
                        } else {
                            sources.join(", ")
                        },
                        consent_line(&shown)
                    );
                }
            }
            if register.witnesses.is_empty() && !json {
                crate::say!("no witnesses registered (casefile witnesses add)");
            }
        }
        WitnessCommand::Show { witness } => {
            let register = case.witnesses()?;
            let found = register.witness(&witness).ok_or_else(|| {
                anyhow::anyhow!("the case has no witness {witness} (see `casefile witnesses list`)")
            })?;
            let shown = shown(found, names);
            if json {
                print_json(&shown);
            } else {
                crate::say!("{}", shown.pseudonym);
                if names {
                    crate::say!("  name: {}", shown.name);
                    for alias in &shown.aliases {
                        crate::say!("  also: {alias}");
                    }
                    for contact in &shown.contacts {
                        crate::say!("  contact: {contact}");
                    }
                    if let Some(details) = &shown.details {
                        crate::say!("  details: {details}");
                    }
                }
                for source in &shown.sources {
                    crate::say!("  account: source #{source}");
                }
                for entity in &shown.entities {
                    crate::say!("  entity: E{entity}");
                }
                for change in &shown.consent {
                    let how = match (change.given, change.named) {
                        (true, true) => " named",
                        (true, false) => " anonymously",
                        (false, _) => "",
                    };
                    crate::say!(
                        "  {} {}{how} on {}{} (entry #{}, by {})",
                        if change.given { "gave" } else { "withdrew" },
                        change.to.name(),
                        change.at,
                        change
                            .recorded_in
                            .map(|s| format!(", recorded in source #{s}"))
                            .unwrap_or_default(),
                        change.entry,
                        change.by
                    );
                }
                crate::say!("  consent now: {}", consent_line(&shown));
            }
        }
    }
    Ok(Exit::Success)
}

/// A witness as shown: names only when asked for.
fn shown(witness: &Witness, names: bool) -> Witness {
    let mut shown = witness.clone();
    if !names {
        shown.name = witness.pseudonym.clone();
        shown.aliases.clear();
        shown.contacts.clear();
        shown.details = None;
    }
    shown
}

/// `casefile consent`
pub(crate) fn consent(case: &Case, command: ConsentCommand, json: bool) -> anyhow::Result<Exit> {
    let (args, given, named) = match command {
        ConsentCommand::Give { args, named } => (args, true, named),
        ConsentCommand::Withdraw { args } => (args, false, false),
    };
    let request = ConsentRequest {
        witness: args.witness,
        to: Use::parse(&args.to)?,
        given,
        named,
        at: args.at,
        recorded_in: args.recorded_in,
    };
    let by = args.by;
    let witness = case.record_consent(&request, &crate::add::who(by))?;
    if json {
        print_json(&serde_json::json!({
            "witness": witness.pseudonym,
            "consent": witness.consent,
        }));
    } else {
        crate::say!(
            "recorded (sealed); {} consent now: {}",
            witness.pseudonym,
            consent_line(&witness)
        );
    }
    Ok(Exit::Success)
}

/// `casefile mask`
pub(crate) fn mask(case: &Case, command: MaskCommand, json: bool) -> anyhow::Result<Exit> {
    match command {
        MaskCommand::Propose { source } => {
            let proposals = case.propose_masks(&source)?;
            for (n, p) in proposals.iter().enumerate() {
                if json {
                    print_json(&serde_json::json!({ "number": n + 1, "proposal": p }));
                } else {
                    crate::say!(
                        "{:>3}. document {} {}-{} {:<10} {}{}",
                        n + 1,
                        p.document,
                        p.start,
                        p.end,
                        p.kind,
                        crate::output::safe(&p.text),
                        if p.confirmed { "  (confirmed)" } else { "" }
                    );
                }
            }
            if proposals.is_empty() && !json {
                crate::say!("nothing to propose");
            }
        }
        MaskCommand::Confirm {
            source,
            numbers,
            all,
            by,
        } => {
            let proposals = case.propose_masks(&source)?;
            let chosen: Vec<MaskProposal> = if all {
                proposals
            } else {
                if numbers.is_empty() {
                    anyhow::bail!(
                        "give the numbers `casefile mask propose {source}` prints, or --all"
                    );
                }
                numbers
                    .iter()
                    .map(|&n| {
                        proposals.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
                            anyhow::anyhow!(
                                "there is no proposal {n} (there are {})",
                                proposals.len()
                            )
                        })
                    })
                    .collect::<anyhow::Result<_>>()?
            };
            let new = case.confirm_masks(&source, &chosen, &crate::add::who(by))?;
            if json {
                print_json(&serde_json::json!({ "confirmed": new }));
            } else {
                crate::say!("confirmed {new} mask(s) (sealed)");
            }
        }
    }
    Ok(Exit::Success)
}
