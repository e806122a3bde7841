fn main() {
    let s = vitrine::model::Kind::Aide.schema();
    println!("{}", serde_json::to_string_pretty(&s).unwrap());
    let s = vitrine::model::Kind::Evenement.schema();
    println!("{}", serde_json::to_string_pretty(&s).unwrap());
}
