pub mod audit;
pub mod canvas;
pub mod cases;
pub mod home;
pub mod login;
pub mod not_found;
pub mod teams;
pub mod users;
