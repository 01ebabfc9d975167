//! The SSP organisation as a picture: bodies and networks, who sits in them, how they connect
//! and how often they meet; tap a body for its detail.

mod layout;

use super::common::{document_title, use_content_width, MappedNote, NoProfile, SourceLine};
use super::{use_page_title, use_prefs};
use crate::domain::i18n::{Lang, Texts};
use crate::domain::pages::Page;
use crate::domain::profile::{BodyKind, Profile};
use crate::platform;
use layout::{layout, BodyIn};
use leptos::either::Either;
use leptos::prelude::*;
use std::sync::Arc;

pub fn kind_label(kind: BodyKind, t: &Texts) -> &'static str {
    match kind {
        BodyKind::Strategic => t.kind_strategic,
        BodyKind::Steering => t.kind_steering,
        BodyKind::Network => t.kind_network,
        BodyKind::Meeting => t.kind_meeting,
        BodyKind::Team => t.kind_team,
        BodyKind::Local => t.kind_local,
    }
}

fn cadence_text(profile: &Profile, id: &str, t: &Texts, lang: Lang) -> String {
    profile
        .body(id)
        .and_then(|b| b.cadence)
        .map(|c| c.describe(lang))
        .unwrap_or_else(|| t.cadence_not_stated.to_string())
}

fn open(selected: RwSignal<Option<String>>, id: &str) {
    selected.set(Some(id.to_string()));
    platform::document::focus_after_render("detail");
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    use_page_title(Page::Organisation);
    let selected = RwSignal::new(None::<String>);
    let width = use_content_width();
    let body = move || match prefs.profile() {
        None => Either::Left(view! { <NoProfile /> }),
        Some(profile) if profile.bodies.is_empty() => Either::Right(Either::Left(view! {
            <p class="alert alert--info">{move || t.get().organisation_empty}</p>
        })),
        Some(profile) => Either::Right(Either::Right(view! {
            <p class="hint">
                {move || t.get().legend_open_body} " " {move || t.get().cadence_strip_note}
                {profile.bodies.iter().any(|b| b.mapped).then(|| view! { " " {move || t.get().legend_mapped} })}
                {profile.bodies.iter().any(|b| b.parent_mapped).then(|| view! { " " {move || t.get().legend_mapped_links} })}
            </p>
            <Picture profile=profile.clone() selected width />
            <Detail profile selected />
        })),
    };
    view! {
        <section class="page">
            <h1>{move || t.get().page_organisation}</h1>
            <p class="lead">{move || t.get().organisation_intro}</p>
            {body}
        </section>
    }
}

/// The picture of a profile being edited (the profile editor's live picture), at the width
/// the editor gives it, following every change. Its boxes open nothing: the form beside it is
/// where a body is changed.
#[component]
pub fn OrganisationPreview(profile: Signal<Option<Profile>>) -> impl IntoView {
    let selected = RwSignal::new(None);
    let (width, _) = signal(PREVIEW_WIDTH);
    move || {
        profile
            .get()
            .filter(|p| !p.bodies.is_empty())
            .map(|profile| view! { <Picture profile=Arc::new(profile) selected width /> })
    }
}

/// The live picture's width in the editor (its column on a landscape tablet).
const PREVIEW_WIDTH: f64 = 440.0;

#[component]
fn Picture(
    profile: Arc<Profile>,
    selected: RwSignal<Option<String>>,
    width: ReadSignal<f64>,
) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        let w = width.get();
        let cadences: Vec<String> = profile
            .bodies
            .iter()
            .map(|b| cadence_text(&profile, &b.id, t_now, lang))
            .collect();
        let inputs: Vec<BodyIn> = profile
            .bodies
            .iter()
            .zip(&cadences)
            .map(|(b, cadence)| BodyIn {
                id: &b.id,
                parent: b.parent.as_deref(),
                parent_mapped: b.parent_mapped,
                name: &b.name,
                cadence,
                per_year: b.cadence.and_then(|c| c.per_year()),
            })
            .collect();
        let l = layout(w, &inputs);
        let links = l
            .links
            .iter()
            .map(|link| view! { <path class="org-link" class:org-link--mapped=link.mapped d=link.path.clone() /> })
            .collect_view();
        let boxes = l
            .boxes
            .into_iter()
            .map(|b| {
                let body = profile.body(&b.id).cloned();
                let kind = body.as_ref().map(|x| kind_label(x.kind, t_now)).unwrap_or_default();
                let name = body.as_ref().map(|x| x.name.clone()).unwrap_or_default();
                let cadence = cadence_text(&profile, &b.id, t_now, lang);
                let aria = format!("{name}, {kind}. {}: {cadence}", t_now.cadence_label);
                let id = b.id.clone();
                let id_click = b.id.clone();
                let is_selected = move || selected.get().as_deref() == Some(id.as_str());
                let on_key = {
                    let id = b.id.clone();
                    move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            open(selected, &id);
                        }
                    }
                };
                let mapped = body.as_ref().is_some_and(|x| x.mapped);
                let tx = b.x + layout::PAD;
                let name_lines = b
                    .name_lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| view! { <tspan x=tx dy=if i == 0 { 0.0 } else { 22.0 }>{line.clone()}</tspan> })
                    .collect_view();
                let cadence_lines = b
                    .cadence_lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| view! { <tspan x=tx dy=if i == 0 { 0.0 } else { 19.0 }>{line.clone()}</tspan> })
                    .collect_view();
                let strip = b.strip.map(|s| {
                    let cells = s
                        .cells
                        .iter()
                        .map(|(x, cw, on)| view! { <rect class="strip__cell" class:strip__cell--on=*on x=*x y=s.y width=*cw height=layout::STRIP_H rx=2 /> })
                        .collect_view();
                    let plus = s.at_least.then(|| {
                        let last = s.cells.last().map(|(x, cw, _)| x + cw + 6.0).unwrap_or(tx);
                        view! { <text class="strip__plus" x=last y=s.y + 10.0>"+"</text> }
                    });
                    view! { <g class="strip" aria-hidden="true">{cells}{plus}</g> }
                });
                view! {
                    <g class="org-box" class:org-box--mapped=mapped class:org-box--selected=is_selected
                        role="button" tabindex="0" id=format!("body-{}", b.id) aria-label=aria
                        on:click=move |_| open(selected, &id_click) on:keydown=on_key>
                        <rect class="org-box__bg" x=b.x y=b.y width=b.width height=b.height rx=6 />
                        <text class="org-box__kind" x=tx y=b.kind_y>{kind.to_uppercase()}</text>
                        <text class="org-box__name" x=tx y=b.name_y>{name_lines}</text>
                        <text class="org-box__cadence" x=tx y=b.cadence_y>{cadence_lines}</text>
                        {strip}
                    </g>
                }
            })
            .collect_view();
        view! {
            <div class="picture">
                <svg class="organisation" viewBox=format!("0 0 {} {}", l.width, l.height) width=l.width height=l.height
                    role="group" aria-label=t_now.page_organisation>
                    {links}
                    {boxes}
                </svg>
            </div>
        }
    }
}

#[component]
fn Detail(profile: Arc<Profile>, selected: RwSignal<Option<String>>) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    move || {
        let id = selected.get()?;
        let b = profile.body(&id)?.clone();
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        let members = (!b.members.is_empty()).then(|| {
            let items = b
                .members
                .iter()
                .map(|m| {
                    let chair = m.chair.then(|| format!(" ({})", t_now.chair_label));
                    view! { <li>{m.role.clone()}{chair}</li> }
                })
                .collect_view();
            view! { <dt>{t_now.members_label}</dt><dd><ul class="plain-list">{items}</ul></dd> }
        });
        let parent = b.parent.as_deref().and_then(|p| profile.body(p)).map(|p| {
            let note = b.parent_mapped.then(
                || view! { <span class="hint-inline">" (" {t_now.parent_mapped_note} ")"</span> },
            );
            view! { <dt>{t_now.parent_label}</dt><dd>{p.name.clone()}{note}</dd> }
        });
        let back = format!("body-{}", b.id);
        let close = move |_| {
            selected.set(None);
            platform::document::focus_after_render(back.clone());
        };
        let source_title = document_title(&profile, &b.source);
        Some(view! {
            <section class="detail" id="detail" tabindex="-1" aria-labelledby="detail-title">
                <div class="detail__head">
                    <h2 id="detail-title">{b.name.clone()}</h2>
                    <button type="button" class="btn btn--tertiary" on:click=close>{t_now.detail_close}</button>
                </div>
                <dl class="facts">
                    <dt>{t_now.purpose_label}</dt>
                    <dd>{b.purpose.clone()}</dd>
                    {members}
                    <dt>{t_now.cadence_label}</dt>
                    <dd>{cadence_text(&profile, &b.id, t_now, lang)}</dd>
                    {b.convener.clone().map(|c| view! { <dt>{t_now.convener_label}</dt><dd>{c}</dd> })}
                    {parent}
                </dl>
                <MappedNote mapped=b.mapped model=b.model />
                <SourceLine source=b.source.clone() document_title=source_title />
            </section>
        })
    }
}
