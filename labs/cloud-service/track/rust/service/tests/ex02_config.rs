//! Exercise 2: configuration from the environment (unit tests: nothing listens).

use std::collections::HashMap;
use std::process::Command;

use notes_service::config::load_config;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const SECRET: (&str, &str) = ("APP_SECRET_KEY", "s3cret-value");

#[test]
fn defaults_fit_a_vm() {
    let cfg = load_config(&env(&[SECRET])).expect("a valid configuration");
    assert_eq!(
        cfg.host, "0.0.0.0",
        "HOST defaults to 0.0.0.0: on a VM the service must be reachable from outside the machine"
    );
    assert_eq!(cfg.port, 8080);
    assert_eq!(cfg.log_level, "info");
    assert_eq!(cfg.secret_key, "s3cret-value");
}

#[test]
fn values_come_from_the_environment() {
    let cfg = load_config(&env(&[
        SECRET,
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("LOG_LEVEL", "DEBUG"),
    ]))
    .unwrap();
    assert_eq!(
        (cfg.host.as_str(), cfg.port, cfg.log_level.as_str()),
        ("127.0.0.1", 0, "debug")
    );
}

#[test]
fn invalid_configuration_names_the_variable() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[], "APP_SECRET_KEY"),
        (&[("APP_SECRET_KEY", "")], "APP_SECRET_KEY"),
        (&[SECRET, ("PORT", "eighty")], "PORT"),
        (&[SECRET, ("PORT", "70000")], "PORT"),
        (&[SECRET, ("LOG_LEVEL", "chatty")], "LOG_LEVEL"),
    ];
    for (vars, name) in cases {
        match load_config(&env(vars)) {
            Ok(cfg) => {
                panic!("{vars:?} was accepted ({cfg:?}); it must be a ConfigError naming {name}")
            }
            Err(e) => assert!(
                e.to_string().contains(name),
                "the error for {vars:?} must name {name}: {e}"
            ),
        }
    }
}

#[test]
fn the_secret_never_shows_in_debug() {
    let cfg = load_config(&env(&[SECRET])).unwrap();
    assert!(!format!("{cfg:?}").contains("s3cret-value"));
}

#[test]
fn error_messages_never_show_the_secret() {
    let cases: [&[(&str, &str)]; 3] = [
        &[SECRET, ("PORT", "eighty")],
        &[SECRET, ("PORT", "70000")],
        &[SECRET, ("LOG_LEVEL", "chatty")],
    ];
    for vars in cases {
        let e = load_config(&env(vars)).expect_err("an invalid configuration");
        assert!(
            !e.to_string().contains("s3cret-value") && !format!("{e:?}").contains("s3cret-value"),
            "a ConfigError shows the secret: {e}"
        );
    }
}

#[test]
fn the_secret_never_reaches_the_output() {
    let out = Command::new("timeout")
        .args(["10", env!("CARGO_BIN_EXE_notes-service")])
        .env("APP_SECRET_KEY", "s3cret-value")
        .env("PORT", "not-a-port")
        .env("HOST", "127.0.0.1")
        .output()
        .expect("run the service under timeout");
    let all = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "PORT=not-a-port: exit status {:?}, expected 2; output: {all}",
        out.status.code()
    );
    assert!(
        !all.contains("s3cret-value"),
        "the secret's value is in the service's output: {all}"
    );
}

#[test]
fn starting_without_the_secret_exits_2() {
    let out = Command::new("timeout")
        .args(["10", env!("CARGO_BIN_EXE_notes-service")])
        .env_remove("APP_SECRET_KEY")
        .env("PORT", "0")
        .env("HOST", "127.0.0.1")
        .output()
        .expect("run the service under timeout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(124),
        "started without APP_SECRET_KEY, the service kept running: it must exit 2 at once"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit status {:?}, expected 2; stderr: {stderr}",
        out.status.code()
    );
    assert!(
        stderr.contains("APP_SECRET_KEY"),
        "stderr must name APP_SECRET_KEY: {stderr}"
    );
}
