pub mod compare;
pub mod export;
pub mod ingest;
pub mod library;
pub mod model;
pub mod search;
pub mod stats;
pub mod web;
