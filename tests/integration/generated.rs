//! Generated files stay in step with the code: shell completions under `completions/`, the README's
//! rules table, and each subcommand's help. `WISCAN_UPDATE=1 cargo test generated` rewrites them.

use clap::CommandFactory;
use clap_complete::Shell;
use wiscan::cli::Cli;

use crate::common::{repo, run};

fn check_or_update(path: &std::path::Path, expected: &str) {
    if std::env::var_os("WISCAN_UPDATE").is_some() {
        std::fs::write(path, expected).expect("write generated file");
        return;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(actual == expected, "{} is stale: run `WISCAN_UPDATE=1 cargo test generated`", path.display());
}

#[test]
fn generated_completions_are_current() {
    for (shell, file) in [
        (Shell::Bash, "wiscan.bash"),
        (Shell::Zsh, "_wiscan"),
        (Shell::Fish, "wiscan.fish"),
        (Shell::PowerShell, "_wiscan.ps1"),
        (Shell::Elvish, "wiscan.elv"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "wiscan", &mut buf);
        check_or_update(&repo().join("completions").join(file), &String::from_utf8(buf).expect("utf-8"));
        let r = run(&["completions", &shell.to_string()]);
        assert_eq!(r.code, 0);
    }
}

#[test]
fn generated_readme_rules_table_is_current() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README");
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("rules:start marker") + start.len();
    let b = readme.find(end).expect("rules:end marker");
    let expected = format!("{}{}{}", &readme[..a], wiscan::app::rules_markdown(), &readme[b..]);
    check_or_update(&path, &expected);
}

#[test]
fn help_texts() {
    for sub in ["scan", "collect", "rules"] {
        let r = run(&[sub, "--help"]);
        assert_eq!(r.code, 0);
        insta::assert_snapshot!(format!("help_{sub}"), r.stdout);
    }
}
