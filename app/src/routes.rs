//! The one table of pages: each page's path, who may open it, its label in
//! the header navigation and the tasks the start page links to it. The
//! header and the start page are built from it; a test holds the router
//! (in `lib.rs`) to it, so the three cannot disagree.

use doorbraak::{Role, RoleSet};

/// A task on the start page, under the section of `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub role: Role,
    pub label: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// As the router matches it (`:id` for a parameter).
    pub path: &'static str,
    /// Who may open it; empty for every signed-in user (or nobody signed in).
    pub roles: &'static [Role],
    /// Its entry in the header navigation, if it has one.
    pub nav: Option<&'static str>,
    pub tasks: &'static [Task],
}

const fn page(
    path: &'static str,
    roles: &'static [Role],
    nav: Option<&'static str>,
    tasks: &'static [Task],
) -> Page {
    Page {
        path,
        roles,
        nav,
        tasks,
    }
}

const fn task(role: Role, label: &'static str) -> Task {
    Task { role, label }
}

use Role::{
    Administrator as A, Alderman as W, Approver as Ap, Backoffice as B, Professional as P,
    StreamOwner as S,
};

pub const PAGES: &[Page] = &[
    page("/", &[], Some("Start"), &[]),
    page("/inloggen", &[], None, &[]),
    page(
        "/casussen",
        &[P],
        Some("Casussen"),
        &[task(P, "Casussen van uw team en een nieuw maatwerkcanvas")],
    ),
    page("/casussen/:id", &[P, Ap, B], None, &[]),
    page("/casussen/:id/canvas", &[P], None, &[]),
    page("/casussen/:id/evaluatie", &[P, Ap, B], None, &[]),
    page(
        "/leeragenda",
        &[Ap, W],
        Some("Leeragenda"),
        &[
            task(Ap, "Leeragenda: terugkerende knelpunten en hun escalatie"),
            task(W, "Leeragenda: terugkerende knelpunten en hun escalatie"),
        ],
    ),
    page("/leeragenda/:id", &[Ap, W], None, &[]),
    page(
        "/afsluiten",
        &[B, Ap],
        None,
        &[
            task(B, "Geëvalueerde casussen afsluiten"),
            task(Ap, "Geëvalueerde casussen afsluiten"),
        ],
    ),
    page(
        "/resultaten",
        &[W, Ap, B],
        Some("Resultaten"),
        &[
            task(
                W,
                "Resultaten: doorbraken, vermeden kosten per wet en het fonds",
            ),
            task(
                Ap,
                "Resultaten: doorbraken, vermeden kosten per wet en het fonds",
            ),
            task(
                B,
                "Resultaten: doorbraken, vermeden kosten per wet en het fonds",
            ),
        ],
    ),
    page(
        "/realisatie",
        &[Ap, B, W],
        None,
        &[
            task(Ap, "Gerealiseerde tegenover verwachte besparingen"),
            task(B, "Gerealiseerde tegenover verwachte besparingen"),
            task(W, "Gerealiseerde tegenover verwachte besparingen"),
        ],
    ),
    page(
        "/beoordelen",
        &[Ap],
        Some("Beoordelen"),
        &[task(Ap, "Te beoordelen canvassen")],
    ),
    page(
        "/betalen",
        &[B],
        Some("Betalen"),
        &[task(B, "Betalen en afrekenen")],
    ),
    page(
        "/fonds",
        &[B, A],
        Some("Doorbraakbudget"),
        &[
            task(
                B,
                "Doorbraakbudget per jaar: reserveren, verlagen, jaar afsluiten",
            ),
            task(A, "Begrotingsjaren en reservering"),
        ],
    ),
    page(
        "/terugboeken",
        &[B],
        Some("Terugboeken"),
        &[task(B, "Terugboekruns")],
    ),
    page("/terugboeken/:id", &[B], None, &[]),
    page(
        "/vorderingen",
        &[B],
        Some("Vorderingen"),
        &[task(B, "Vorderingen op externe partijen")],
    ),
    page(
        "/jaarafrekening",
        &[B],
        Some("Jaarafrekening"),
        &[task(B, "Jaarafrekening (vooraf boeken)")],
    ),
    page(
        "/aansluiting",
        &[B],
        Some("Aansluiting"),
        &[task(B, "Aansluiting")],
    ),
    page(
        "/bezwaren",
        &[B],
        Some("Bezwaren"),
        &[task(B, "Bezwaren van budgethouders")],
    ),
    page(
        "/mijn-stromen",
        &[S],
        Some("Mijn stromen"),
        &[task(S, "Terugboekingen op uw stroom")],
    ),
    page("/mijn-stromen/terugboeking", &[S], None, &[]),
    page(
        "/beheer/gebruikers",
        &[A],
        Some("Gebruikers"),
        &[task(A, "Gebruikers")],
    ),
    page("/beheer/gebruikers/:id", &[A], None, &[]),
    page("/beheer/teams", &[A], Some("Teams"), &[task(A, "Teams")]),
    page(
        "/inrichting",
        &[A],
        Some("Inrichting"),
        &[task(A, "Inrichting: stromen, mandaten, horizon")],
    ),
    page(
        "/inrichting/catalogus",
        &[A],
        None,
        &[task(A, "Kostencatalogus")],
    ),
    page("/inrichting/catalogus/:id", &[A], None, &[]),
    page(
        "/inrichting/convenanten",
        &[A],
        None,
        &[task(A, "Convenanten met externe financiers")],
    ),
    page(
        "/inrichting/wetten",
        &[A],
        None,
        &[task(
            A,
            "Wetten voor knelpunten en toegang tot de leeragenda",
        )],
    ),
    page(
        "/inrichting/bewaartermijnen",
        &[A],
        None,
        &[task(A, "Bewaartermijnen en juridische bewaarplicht")],
    ),
    page(
        "/inrichting/budgethouders",
        &[A],
        None,
        &[task(A, "Budgethouders")],
    ),
    page(
        "/beheer/tokens",
        &[A],
        Some("API-tokens"),
        &[task(A, "API-tokens")],
    ),
    page(
        "/beheer/audit",
        &[A],
        Some("Logboek"),
        &[task(A, "Logboek")],
    ),
];

impl Page {
    pub fn open_to(&self, roles: RoleSet) -> bool {
        self.roles.is_empty() || roles.has_any(self.roles)
    }
}

/// The header navigation of a user: (path, label).
pub fn navigation(roles: RoleSet) -> impl Iterator<Item = (&'static str, &'static str)> {
    PAGES
        .iter()
        .filter(move |p| p.open_to(roles))
        .filter_map(|p| Some((p.path, p.nav?)))
}

/// The start page's tasks of one role: (path, label).
pub fn tasks(role: Role) -> impl Iterator<Item = (&'static str, &'static str)> {
    PAGES.iter().flat_map(move |p| {
        p.tasks
            .iter()
            .filter(move |t| t.role == role)
            .map(move |t| (p.path, t.label))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_and_entry_belongs_to_a_page_its_role_may_open() {
        for page in PAGES {
            for task in page.tasks {
                assert!(
                    page.open_to(RoleSet::of(&[task.role])),
                    "{} for {:?}",
                    page.path,
                    task.role
                );
                assert!(
                    !page.path.contains(':'),
                    "a task links a page without parameters"
                );
            }
            if page.nav.is_some() {
                assert!(!page.path.contains(':'));
            }
        }
        let paths: std::collections::BTreeSet<&str> = PAGES.iter().map(|p| p.path).collect();
        assert_eq!(paths.len(), PAGES.len(), "each path once");
    }

    #[test]
    fn a_role_sees_its_pages_and_no_others() {
        let backoffice = RoleSet::of(&[Role::Backoffice]);
        let nav: Vec<&str> = navigation(backoffice).map(|(p, _)| p).collect();
        assert!(nav.contains(&"/terugboeken") && nav.contains(&"/vorderingen"));
        assert!(!nav.contains(&"/beheer/gebruikers"));
        assert_eq!(
            tasks(Role::StreamOwner).collect::<Vec<_>>(),
            [("/mijn-stromen", "Terugboekingen op uw stroom")]
        );
        let alderman: Vec<&str> = tasks(Role::Alderman).map(|(p, _)| p).collect();
        assert_eq!(alderman, ["/leeragenda", "/resultaten", "/realisatie"]);
        let nav: Vec<&str> = navigation(RoleSet::of(&[Role::Alderman]))
            .map(|(p, _)| p)
            .collect();
        assert!(
            nav.contains(&"/leeragenda")
                && nav.contains(&"/resultaten")
                && !nav.contains(&"/casussen")
        );
    }
}
