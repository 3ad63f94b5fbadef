//! The learning agenda (for the roles the administrator chose) and the
//! administrator's list of laws.

use leptos::prelude::*;

use crate::error::AppError;
pub use crate::model::{
    AgendaItemView, AgendaRolesForm, AgendaStepForm, AgendaView, LawForm, LawRow, NewAgendaItem,
};

#[cfg(feature = "ssr")]
use crate::{context, services::agenda as service};
#[cfg(feature = "ssr")]
use doorbraak::Role;

/// The agenda: which roles may see it is the administrator's setting, which
/// the service checks.
#[server(endpoint = "agenda")]
pub async fn agenda() -> Result<AgendaView, AppError> {
    context::read(&Role::ALL, async move |r| service::overview(r).await).await
}

/// One agenda item with its steps.
#[server(endpoint = "agenda_item")]
pub async fn agenda_item(id: i64) -> Result<AgendaItemView, AppError> {
    context::read(&Role::ALL, async move |r| service::item(r, id).await).await
}

/// Puts a group of knelpunten on the agenda.
#[server(endpoint = "put_on_agenda")]
pub async fn put_on_agenda(item: NewAgendaItem) -> Result<i64, AppError> {
    context::write(&Role::ALL, async move |w| {
        service::put_on_agenda(w, item).await
    })
    .await
}

/// A step up the escalation ladder, with a dated note.
#[server(endpoint = "agenda_step")]
pub async fn agenda_step(step: AgendaStepForm) -> Result<(), AppError> {
    context::write(&Role::ALL, async move |w| service::step(w, step).await).await
}

/// The laws a knelpunt can sit in, and the roles that keep the agenda.
#[server(endpoint = "laws")]
pub async fn laws() -> Result<(Vec<LawRow>, Vec<String>), AppError> {
    context::read(&[Role::Administrator], async move |r| {
        service::laws(r).await
    })
    .await
}

/// Adds or changes a law.
#[server(endpoint = "save_law")]
pub async fn save_law(law: LawForm) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::save_law(w, law).await
    })
    .await
}

/// Chooses the roles that keep the learning agenda.
#[server(endpoint = "set_agenda_roles")]
pub async fn set_agenda_roles(choice: AgendaRolesForm) -> Result<(), AppError> {
    context::write(&[Role::Administrator], async move |w| {
        service::set_agenda_roles(w, choice.roles).await
    })
    .await
}
