//! Leptos.toml is the source of truth for the Leptos settings; cargo-leptos
//! reads only Cargo.toml, which must carry an identical copy of the block.

/// The `key = value` lines of the `[[workspace.metadata.leptos]]` block.
fn leptos_block(text: &str) -> Vec<String> {
    let start = text.find("[[workspace.metadata.leptos]]").expect("a [[workspace.metadata.leptos]] block");
    text[start..]
        .lines()
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn cargo_toml_carries_the_same_leptos_settings_as_leptos_toml() {
    let leptos = leptos_block(include_str!("../../../Leptos.toml"));
    let cargo = leptos_block(include_str!("../../../Cargo.toml"));
    assert!(leptos.iter().any(|l| l.starts_with("output-name")), "{leptos:?}");
    assert_eq!(cargo, leptos, "copy Leptos.toml's block into Cargo.toml");
}

#[test]
fn the_server_reads_leptos_toml() {
    let options =
        server::site::leptos_options(std::path::Path::new("/srv/site"), "127.0.0.1:9".parse().unwrap()).unwrap();
    assert_eq!(&*options.output_name, "dreamseed");
    assert_eq!(&*options.site_pkg_dir, "pkg");
    assert_eq!(&*options.site_root, "/srv/site");
}
