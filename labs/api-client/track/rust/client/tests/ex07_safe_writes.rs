//! Exercise 7: safe writes. See exercises/07-safe-writes.md.

mod common;

use std::collections::HashSet;

use client::ApiError;
use client::orders::{create_order, new_idempotency_key};
use common::lab;

#[test]
fn keys_are_fresh_and_unguessable() {
    let keys: HashSet<String> = (0..100).map(|_| new_idempotency_key()).collect();
    assert_eq!(keys.len(), 100, "every call must return a new key");
    assert!(
        keys.iter().all(|k| k.len() >= 16),
        "use a long random key (at least 16 characters)"
    );
}

#[test]
fn an_order_is_created_with_a_key() {
    let lab = lab();
    let client = lab.client();
    let order = create_order(&client, 3, 2, None, None).expect("create_order");
    assert_eq!((order.product_id, order.quantity), (3, 2));
    let posts = lab.journal(Some("/v1/orders"));
    assert!(
        posts.len() == 1 && posts[0].status == 201,
        "expected one POST answered 201: {posts:?}"
    );
    assert!(
        posts[0]
            .idempotency_key
            .as_deref()
            .is_some_and(|k| !k.is_empty()),
        "send an Idempotency-Key header with every order"
    );
}

#[test]
fn two_orders_get_two_keys() {
    let lab = lab();
    let client = lab.client();
    let a = create_order(&client, 1, 1, None, None).unwrap();
    let b = create_order(&client, 1, 1, None, None).unwrap();
    assert_ne!(a.id, b.id, "two logical orders are two orders");
    let keys: HashSet<_> = lab
        .journal(Some("/v1/orders"))
        .into_iter()
        .map(|p| p.idempotency_key)
        .collect();
    assert_eq!(
        keys.len(),
        2,
        "each logical order needs its own key, got {keys:?}"
    );
}

#[test]
fn a_given_key_is_used() {
    let lab = lab();
    let client = lab.client();
    let a = create_order(&client, 2, 1, None, Some("order-from-cart-77")).unwrap();
    let b = create_order(&client, 2, 1, None, Some("order-from-cart-77")).unwrap();
    assert_eq!(a, b, "repeating a key returns the first result");
    assert_eq!(lab.orders().len(), 1);
}

#[test]
fn an_ambiguous_failure_creates_exactly_one_order() {
    let lab = lab();
    lab.scenario("ambiguous-write"); // the first POST with a new key commits, then answers 502
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    let order = create_order(&client, 5, 3, Some("gift"), None).expect("create_order after a 502");
    let orders = lab.orders();
    assert_eq!(
        orders.len(),
        1,
        "/__admin/orders shows {} orders for one logical order: reuse the key on the retry",
        orders.len()
    );
    assert_eq!(
        order.id, orders[0].id,
        "the retry must return the order the first attempt created"
    );
    let posts = lab.journal(Some("/v1/orders"));
    let statuses: Vec<u16> = posts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, [502, 201], "expected a 502 then the replayed 201");
    assert_eq!(
        posts[0].idempotency_key, posts[1].idempotency_key,
        "the retry must send the same Idempotency-Key"
    );
}

#[test]
fn an_invalid_order_is_not_created() {
    let lab = lab();
    let client = lab.client();
    let result = create_order(&client, 1, 0, None, None);
    assert!(
        matches!(result, Err(ApiError::Validation(..))),
        "expected ApiError::Validation, got {result:?}"
    );
    assert!(lab.orders().is_empty());
}
