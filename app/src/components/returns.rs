//! The return calculation as a table: per stream and in total.

use doorbraak::returns::ReturnCalculation;
use leptos::prelude::*;

use crate::model::StreamNames;

#[component]
pub fn ReturnTable(
    calc: ReturnCalculation,
    /// Stream names by code; without them the code is shown.
    #[prop(optional)]
    names: StreamNames,
) -> impl IntoView {
    let rows = calc
        .per_stream
        .iter()
        .map(|(stream, r)| {
            view! {
                <tr class="utrecht-table__row">
                    <th class="utrecht-table__header-cell" scope="row">{names.name(&stream.to_string())}</th>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.threatening.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.realistic.to_string()}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">{r.avoided.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="utrecht-table-container utrecht-table-container--overflow-inline" aria-live="polite"
            tabindex="0" role="region" aria-label="Rendementsberekening per stroom">
            <table class="utrecht-table utrecht-table--html-table return-table">
                <caption class="utrecht-table__caption">{format!("Rendementsberekening over {} maanden", calc.horizon.get())}</caption>
                <thead class="utrecht-table__header">
                    <tr class="utrecht-table__row">
                        <th class="utrecht-table__header-cell" scope="col">"Stroom"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Dreigend"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Reëel"</th>
                        <th class="utrecht-table__header-cell" scope="col">"Vermeden"</th>
                    </tr>
                </thead>
                <tbody class="utrecht-table__body">{rows}</tbody>
                <tfoot>
                    <tr class="utrecht-table__row">
                        <th class="utrecht-table__header-cell" scope="row">"Totaal"</th>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric">{calc.total_threatening.to_string()}</td>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric">{calc.total_realistic.to_string()}</td>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric" data-total="avoided">{calc.total_avoided.to_string()}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        <p class="utrecht-paragraph">
            {format!("Investering {} · netto rendement {} · ", calc.investment, calc.net_return)}
            <strong data-ratio="">{calc.ratio_sentence()}</strong>
        </p>
    }
}
