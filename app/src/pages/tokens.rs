//! API tokens for the financial system (administrator).

use doorbraak::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::tokens::{IssueToken, RevokeToken, api_tokens};
use crate::components::form::{FormMessage, TextField, answered_error, last_error, posted_error};
use crate::components::format::{dutch_date, dutch_time};
use crate::components::guard::{Guarded, or_error, role_resource};
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::TokenRow;

const ROLES: &[Role] = &[Role::Administrator];

#[component]
pub fn TokensPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = role_resource(ROLES, || (), |_| api_tokens());
    view! {
        <Title text="API-tokens"/>
        <Guarded roles=ROLES>
            <Tokens tokens revoke/>
        </Guarded>
    }
}

#[component]
fn Tokens(
    tokens: Resource<Option<Result<Vec<TokenRow>, AppError>>>,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let revoke_error = last_error(revoke.value());
    view! {
        <h1 class="utrecht-heading-1">"API-tokens"</h1>
        <p class="utrecht-paragraph">"Met een token haalt het financiële systeem het journaal van een geboekte run op: "<code>"GET /api/v1/runs/{run}/journal"</code>" met de kop "<code>"Authorization: Bearer dbk_…"</code>"."</p>
        <IssueTokenForm refused={posted_error::<IssueToken>()}/>
        <FormMessage error=revoke_error/>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Laden…"</p> }>
            {move || Suspend::new(async move {
                or_error(tokens.await, |list| {
                    let rows = list.into_iter().map(|t| view! {
                        <tr class="utrecht-table__row">
                            <td class="utrecht-table__cell">{t.name.clone()}</td>
                            <td class="utrecht-table__cell"><code>{format!("{}…", t.prefix)}</code></td>
                            <td class="utrecht-table__cell">{format!("{} door {}", dutch_time(&t.created_at), t.created_by)}</td>
                            <td class="utrecht-table__cell">{dutch_date(&t.expires_on)}</td>
                            <td class="utrecht-table__cell">{t.last_used_at.as_deref().map(dutch_time).unwrap_or_else(|| "nooit".into())}</td>
                            <td class="utrecht-table__cell">{match t.revoked_at.as_deref() {
                                Some(at) => format!("ingetrokken {}", dutch_time(at)).into_any(),
                                None => view! {
                                    <ActionForm action=revoke>
                                        <input type="hidden" name="id" value=t.id.to_string()/>
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label=format!("Token {} intrekken", t.name)>"Intrekken"</button>
                                    </ActionForm>
                                }.into_any(),
                            }}</td>
                        </tr>
                    }).collect_view();
                    view! { <DataTable caption="Uitgegeven tokens".to_string() headers=&["Naam", "Begin", "Uitgegeven", "Geldig tot", "Laatst gebruikt", "Status"]>{rows}</DataTable> }
                })
            })}
        </Transition>
    }
}

/// Issues a token and shows its secret once: the answer exists only in the
/// browser that asked, so this part runs there. The list below shows the
/// new token from the next visit on.
#[island]
fn IssueTokenForm(refused: Option<AppError>) -> impl IntoView {
    crate::components::island::hydrated();
    let issue = ServerAction::<IssueToken>::new();
    let error = answered_error(issue, refused);
    view! {
        {move || issue.value().get().and_then(Result::ok).map(|t| view! {
            <div class="utrecht-alert utrecht-alert--ok" role="status">
                <p class="utrecht-paragraph">{format!("Nieuw token (geldig tot en met {}). Kopieer het nu: het wordt niet opnieuw getoond.", dutch_date(&t.expires_on))}</p>
                <p class="utrecht-paragraph"><code class="token-secret">{t.token.clone()}</code></p>
            </div>
        })}
        <h2 class="utrecht-heading-2" id="nieuw-token">"Nieuw token"</h2>
        <ActionForm action=issue attr:aria-labelledby="nieuw-token">
            <FormMessage error/>
            <TextField label="Naam (waarvoor)" name="name" field="name" error/>
            <TextField label="Geldig (dagen)" name="valid_days" field="valid_days" error value="365".to_string() input_type="number"/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action" disabled=move || issue.pending().get()>"Token uitgeven"</button>
        </ActionForm>
    }
}
