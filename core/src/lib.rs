pub mod catalog;
pub mod syntax;
