//! One module per route.

pub mod about;
pub mod claims;
pub mod costs;
pub mod demo;
pub mod embed;
pub mod hardware;
pub mod model;
pub mod models;
pub mod not_found;
pub mod overview;
pub mod unbuilt;
