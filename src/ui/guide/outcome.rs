//! The outcome on screen and on paper: the level, the duty to notify, the numbered relay plan
//! (who, what, by when), this municipality's staircase and interventions, the legal basis with
//! references, and the follow-up date.

use super::{Mode, Session};
use crate::app::commands::{self, Context, NewConcern};
use crate::domain::dates::Date;
use crate::domain::guide::outcome::Outcome;
use crate::domain::guide::Timing;
use crate::domain::roles;
use crate::platform;
use crate::ui::{use_prefs, use_shell, use_work};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn OutcomeView(session: Session) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        let profile = prefs.profile()?;
        let answers = session.answers.get();
        let o: Outcome = session.guide.outcome(&answers, &profile);
        let today = Date::from_ms(platform::now_ms());
        let follow_up = today.plus_days(o.follow_up_days);
        // Every level has its texts (the validator checks); without them, the level's own name.
        let (level_name, level_meaning) = session.guide.level_texts.get(&o.level).map_or_else(
            || {
                (
                    crate::domain::overview::level_label(o.level, lang),
                    String::new(),
                )
            },
            |l| {
                (
                    l.name.get(lang).to_string(),
                    l.meaning.get(lang).to_string(),
                )
            },
        );
        let column = session
            .guide
            .columns
            .get(&o.column.to_string())
            .map(|c| c.get(lang).to_string())
            .unwrap_or_default();
        let level_class = format!(
            "level-box level-box--{}",
            crate::ui::common::level_css(o.level)
        );

        let steps = o
            .steps
            .iter()
            .map(|s| {
                let when = match s.timing {
                    Timing::Now => t_now.timing_now.to_string(),
                    Timing::Today => t_now.timing_today.to_string(),
                    Timing::ThisWeek => t_now.timing_this_week.to_string(),
                    Timing::FollowUp => format!("{} {}", t_now.timing_follow_up, follow_up.danish()),
                };
                let refs = s
                    .legal
                    .iter()
                    .filter_map(|id| session.guide.legal(id)?.reference.clone())
                    .collect::<Vec<_>>();
                let refs = (!refs.is_empty()).then(|| {
                    let mut unique = refs.clone();
                    unique.dedup();
                    view! { <span class="plan__refs">{unique.join(" · ")}</span> }
                });
                view! {
                    <li class="plan__step" class:plan__step--now=s.timing == Timing::Now>
                        <span class="plan__when">{when}</span>
                        <span class="plan__what">{session.guide.step_text(s, &profile, lang)}</span>
                        <span class="plan__who">{t_now.plan_who} ": " {session.guide.contact_name(&s.contact, &profile, lang)}</span>
                        {refs}
                    </li>
                }
            })
            .collect_view();

        let staircase = o.staircase_level.map(|n| {
            let level = profile.staircase.levels.iter().find(|l| l.number == n);
            let names = |ids: &[String]| ids.iter().filter_map(|id| profile.intervention(id)).map(|i| i.name.clone()).collect::<Vec<_>>();
            let here = names(&o.interventions);
            let other = names(&o.other_interventions);
            let list = if !here.is_empty() {
                view! { <ul>{here.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> }.into_any()
            } else if !other.is_empty() {
                view! { <ul>{other.into_iter().map(|n| view! { <li>{n} " (" {t_now.other_level_note} ")"</li> }).collect_view()}</ul> }.into_any()
            } else {
                view! { <p class="hint">{t_now.no_interventions_fit}</p> }.into_any()
            };
            let mapped = level.is_some_and(|l| l.mapped);
            view! {
                <section class="outcome-section">
                    <h3>{t_now.staircase_place} " " {n} {level.map(|l| format!(": {}", l.title))}</h3>
                    <p class="mapped-note">
                        <span class="mapped-note__label">{t_now.mapped_label}</span>
                        {t_now.staircase_suggested}
                        {mapped.then(|| view! { " " {t_now.staircase_mapped} })}
                    </p>
                    <p class="small-title">{t_now.interventions_fit}</p>
                    {list}
                </section>
            }
        });

        let legal = o
            .legal
            .iter()
            .chain(session.guide.outcome_legal.iter())
            .filter_map(|id| session.guide.legal(id))
            .filter(|l| l.applies_to(&profile.id))
            .map(|l| {
                view! {
                    <li>
                        {l.text.get(lang).to_string()}
                        {l.reference.clone().map(|r| view! { " " <strong>"(" {r} ")"</strong> })}
                        {l.is_practice().then(|| view! { " " <span class="tag tag--practice">{t_now.practice_mark}</span> })}
                        {(!l.certain).then(|| view! { " " <span class="tag">{t_now.not_confirmed}</span> })}
                        <span class="source-line">" " {l.source.clone()}</span>
                    </li>
                }
            })
            .collect_view();

        // The first thing on the outcome, on screen and on paper, when it applies.
        let warning = o.no_parent_contact_first.then(|| {
            let w = &session.guide.no_parent_warning;
            view! {
                <section class="stop-box" role="note" aria-labelledby="stop-title">
                    <h3 id="stop-title" class="stop-box__title">"⚠ " {w.title.get(lang).to_string()}</h3>
                    <p class="stop-box__text">{w.text.get(lang).to_string()}</p>
                </section>
            }
        });

        let answers_list = {
            let pos = session.guide.position(&answers, Some(&profile));
            pos.path
                .iter()
                .filter_map(|id| session.guide.step(id))
                .map(|s| {
                    let shown = match answers.get(&s.id) {
                        Some(crate::domain::guide::engine::Answer::Single(id)) => session.guide
                            .choices(s)
                            .into_iter()
                            .find(|c| &c.id == id)
                            .map(|c| c.label.get(lang).to_string())
                            .unwrap_or_default(),
                        Some(crate::domain::guide::engine::Answer::Multi(ids)) => session.guide
                            .choices(s)
                            .into_iter()
                            .filter(|c| ids.contains(&c.id))
                            .map(|c| c.label.get(lang).to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        Some(crate::domain::guide::engine::Answer::Text(v)) => s
                            .fields
                            .iter()
                            .filter_map(|f| v.get(&f.id).filter(|x| !x.trim().is_empty()).cloned())
                            .collect::<Vec<_>>()
                            .join(" / "),
                        _ => "✓".to_string(),
                    };
                    let id = s.id.clone();
                    view! {
                        <div class="answer-row">
                            <dt>{s.question.get(lang).to_string()}</dt>
                            <dd>
                                {shown}
                                " "
                                <button type="button" class="btn btn--tertiary btn--small no-print"
                                    aria-label=format!("{} – {}", t_now.edit_answer, s.question.get(lang))
                                    on:click=move |_| { session.shown.set(Some(id.clone())); platform::document::focus_after_render("step-heading"); }>
                                    {t_now.edit_answer}
                                </button>
                            </dd>
                        </div>
                    }
                })
                .collect_view()
        };

        Some(view! {
            <article class="outcome" aria-labelledby="outcome-title">
                <p class="print-only">{t_now.app_name} " · " {profile.name.clone()} " · " {today.danish()}</p>
                <h2 id="outcome-title" tabindex="-1">{t_now.outcome_title}</h2>
                {warning}
                {o.acute.then(|| view! { <p class="acute-banner" role="alert">{t_now.acute_banner}</p> })}
                <div class=level_class>
                    <p class="level-box__label">{t_now.outcome_level}</p>
                    <p class="level-box__name">{level_name} " – " {column}</p>
                    <p>{level_meaning}</p>
                </div>
                <section class="outcome-section duty" class:duty--applies=o.duty_applies>
                    <h3>{t_now.duty_title}</h3>
                    <p>{if o.duty_applies { t_now.duty_applies } else { t_now.duty_not }}</p>
                </section>
                <section class="outcome-section">
                    <h3>{t_now.plan_title}</h3>
                    <ol class="plan">{steps}</ol>
                    {o.steps.iter().any(|s| s.notification).then(|| view! {
                        <div class="write-notification no-print">
                            <p>{t_now.notification_advised}</p>
                            <button type="button" class="btn btn--primary" on:click=move |_| {
                                session.drafting.set(true);
                                platform::document::scroll_to_top();
                                platform::document::focus_after_render("draft-title");
                            }>{t_now.notification_write}</button>
                        </div>
                    })}
                </section>
                {staircase}
                <section class="outcome-section">
                    <h3>{t_now.follow_up_title}</h3>
                    <p>{t_now.follow_up_on} " " <strong>{follow_up.danish()}</strong></p>
                </section>
                <section class="outcome-section">
                    <h3>{t_now.legal_title}</h3>
                    <ul class="legal-list">{legal}</ul>
                </section>
                <section class="outcome-section">
                    <h3>{t_now.your_answers}</h3>
                    <dl class="answers">{answers_list}</dl>
                </section>
                <div class="step-nav no-print">
                    <button type="button" class="btn btn--primary" on:click={
                        let header = format!("{} · {}", profile.name, today.danish());
                        move |_| platform::document::print_with_header(&header)
                    }>{t_now.print}</button>
                    <super::RestartButton session />
                </div>
                {(session.mode == Mode::Concern).then(|| view! { <SaveForm session outcome=o.clone() /> })}
            </article>
        })
    }
}

/// "Gem bekymringen": initials or a pseudonym, school/class, the user's role; then the concern
/// with its action plan is saved on the device and the draft is cleared.
#[component]
fn SaveForm(session: Session, outcome: Outcome) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let shell = use_shell();
    let t = prefs.texts;
    let child = RwSignal::new(String::new());
    let class = RwSignal::new(String::new());
    let role = RwSignal::new(crate::ui::my_role(prefs));
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let save = move |_| {
        let t_now = t.get_untracked();
        let Some(profile) = prefs.profile_untracked() else {
            return;
        };
        let role_now = role.get_untracked();
        let cx = Context {
            now_ms: platform::now_ms(),
            by_role: &role_now,
            lang: prefs.settings.read_untracked().lang,
            guide: session.guide,
        };
        let form = NewConcern {
            id: platform::new_uuid(),
            child: child.get_untracked(),
            class: class.get_untracked(),
        };
        let note = session.notification.get_untracked();
        let made = session.answers.with_untracked(|answers| {
            commands::create(form, answers, &outcome, &profile, note, cx)
        });
        match made {
            Err(p) => problem.set(Some(commands::problem_message(&p, t_now))),
            Ok(c) => {
                let id = c.id.clone();
                prefs
                    .settings
                    .update(|s| s.my_role = Some(role_now.clone()));
                let navigate = navigate.clone();
                crate::ui::concern_io::save_concern(
                    work,
                    shell,
                    &c,
                    None,
                    Box::new(move |after| {
                        if after.changed {
                            problem.set(None);
                            session.clear_draft();
                            navigate(&format!("/concerns/{id}"), Default::default());
                        } else {
                            problem.set(Some(t_now.save_failed.to_string()));
                        }
                    }),
                );
            }
        }
    };
    move || {
        let t_now = t.get();
        let roles = roles::choices(t_now)
            .into_iter()
            .map(|(code, label)| view! { <option value=code selected=move || role.get() == code>{label}</option> })
            .collect_view();
        view! {
            <section class="card save-form no-print" aria-labelledby="save-title">
                <h3 id="save-title">{t_now.save_title}</h3>
                <p>{t_now.save_intro}</p>
                {work.training.get().then(|| view! { <p class="badge badge--training">{t_now.training_save_note}</p> })}
                <div class="field">
                    <label for="save-child">{t_now.child_label}</label>
                    <p class="hint" id="save-child-hint">{t_now.child_hint}</p>
                    <input id="save-child" class="input" type="text" maxlength="20" autocomplete="off"
                        aria-describedby="save-child-hint"
                        prop:value=move || child.get() on:input=move |ev| child.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="save-class">{t_now.school_class_label}</label>
                    <input id="save-class" class="input" type="text" autocomplete="off"
                        prop:value=move || class.get() on:input=move |ev| class.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="save-role">{t_now.my_role_label}</label>
                    <select id="save-role" class="input" on:change=move |ev| role.set(event_target_value(&ev))>{roles}</select>
                </div>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <button type="button" class="btn btn--primary btn--wide" on:click=save.clone()>{t_now.save_button}</button>
            </section>
        }
    }
}
