pub mod canvas_view;
pub mod form;
pub mod format;
pub mod guard;
pub mod layout;
pub mod params;
pub mod returns;
pub mod table;
