//! Compares two names and prints the comparison as JSON:
//! `cargo run -p casefile-resolve --example compare -- person|organization "NAME" "NAME"`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, left, right] = args.as_slice() else {
        eprintln!("usage: compare person|organization|place|other NAME NAME");
        std::process::exit(2);
    };
    let kind = match kind.as_str() {
        "person" => casefile_resolve::names::NameKind::Person,
        "organization" => casefile_resolve::names::NameKind::Organization,
        "place" => casefile_resolve::names::NameKind::Place,
        _ => casefile_resolve::names::NameKind::Other,
    };
    let left = casefile_resolve::names::Name::parse(left, kind);
    let right = casefile_resolve::names::Name::parse(right, kind);
    println!("{left:?}\n{right:?}");
    println!("{:?}", casefile_resolve::names::compare(&left, &right));
}
