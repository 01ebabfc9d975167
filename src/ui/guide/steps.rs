//! One step of the guide on screen: the question, its hint and legal basis, the answer controls,
//! back and start over.

use super::{error_text, Session};
use crate::domain::cpr;
use crate::domain::guide::engine::Answer;
use crate::domain::guide::ids;
use crate::domain::guide::{Step, StepKind};
use crate::domain::i18n::{Lang, Texts};
use crate::ui::{use_prefs, use_texts};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// "Spørgsmål 3 af cirka 8": the position on the path and the steps likely still ahead.
fn progress(session: Session, step_id: &str) -> (usize, usize) {
    // Borrowed, not cloned: a profile is a large value and this runs on every step.
    let profile = use_prefs().profile();
    let pos = session
        .answers
        .with(|a| session.guide.position(a, profile.as_deref()));
    let index = pos.path.iter().position(|s| s == step_id).unwrap_or(0);
    // Ahead of the last step on the path: follow each step's default route.
    let mut ahead = 0;
    let mut at = pos.path.last().and_then(|id| session.guide.step(id));
    while let Some(step) = at {
        match step.next.last().map(|n| n.to.as_str()) {
            Some(id) => {
                at = session.guide.step(id);
                if at.is_some() {
                    ahead += 1;
                }
            }
            None => break,
        }
    }
    (index + 1, pos.path.len() + ahead)
}

#[component]
pub fn StepView(session: Session, step: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        let Some(s) = session.guide.step(&step).cloned() else {
            return view! { <p>{step.clone()}</p> }.into_any();
        };
        let (n, total) = progress(session, &s.id);
        let existing = session.answers.with(|a| a.get(&s.id).cloned());
        let legal = s
            .legal
            .iter()
            .filter_map(|id| session.guide.legal(id))
            .map(|l| {
                view! {
                    <p class="legal-note">
                        {l.reference.clone().map(|r| view! { <strong>{r}": "</strong> })}
                        {l.text.get(lang).to_string()}
                        {l.is_practice().then(|| view! { " " <span class="tag tag--practice">{t_now.practice_mark}</span> })}
                        {(!l.certain).then(|| view! { " " <span class="tag">{t_now.not_confirmed}</span> })}
                        <span class="source-line">" " {l.source.clone()}</span>
                    </p>
                }
            })
            .collect_view();
        let cleared = session.cleared.get_untracked();
        let cleared_notice = (!cleared.is_empty()).then(|| {
            let names = cleared
                .iter()
                .filter_map(|id| session.guide.step(id))
                .map(|s| s.question.get(lang).to_string())
                .collect::<Vec<_>>()
                .join(" · ");
            view! { <div class="alert alert--info" role="status"><p>{t_now.cleared_notice} " " {names}</p></div> }
        });
        // In their own closures, so that an error or notice does not rebuild the fields.
        let error = move || {
            session.error.get().map(|e| {
                view! { <p class="field-error" role="alert">{error_text(&e, t.get())}</p> }
            })
        };
        let controls = match s.kind {
            StepKind::Single => EitherOf4::A(single(session, &s, existing, lang)),
            StepKind::Multi => EitherOf4::B(multi(session, &s, existing, lang, t_now)),
            StepKind::Text => EitherOf4::C(text(session, &s, existing, lang)),
            StepKind::Review => EitherOf4::D(review(session, t_now.next_button)),
        };
        let is_first = n == 1;
        view! {
            <div class="guide-step">
                <div class="progress" role="group" aria-label=t_now.progress_label>
                    <p class="progress__text">
                        {format!("{} {n} {} {total} · ", t_now.progress_question, t_now.progress_of)}
                        {s.title.get(lang).to_string()}
                    </p>
                    <div class="progress__bar" aria-hidden="true">
                        <div class="progress__fill" style:width=format!("{}%", n * 100 / total.max(1))></div>
                    </div>
                </div>
                {cleared_notice}
                <h2 id="step-heading" class="step-question" tabindex="-1">{s.question.get(lang).to_string()}</h2>
                {s.hint.as_ref().map(|h| view! { <p class="hint step-hint">{h.get(lang).to_string()}</p> })}
                {legal}
                {controls}
                {error}
                <div class="step-nav">
                    {(!is_first).then(|| view! {
                        <button type="button" class="btn btn--secondary" on:click=move |_| session.back()>
                            "← " {t_now.back_button}
                        </button>
                    })}
                    {(!is_first).then(|| view! { <super::RestartButton session /> })}
                </div>
            </div>
        }
        .into_any()
    }
}

fn single(session: Session, s: &Step, existing: Option<Answer>, lang: Lang) -> impl IntoView {
    let chosen = match existing {
        Some(Answer::Single(id)) => Some(id),
        _ => None,
    };
    let options = session.guide
        .choices(s)
        .into_iter()
        .map(|c| {
            let id = c.id.clone();
            let step_id = s.id.clone();
            let pressed = chosen.as_deref() == Some(c.id.as_str());
            view! {
                <button type="button" class="option" aria-pressed=if pressed { "true" } else { "false" }
                    on:click=move |_| session.submit(&step_id, Answer::Single(id.clone()))>
                    {c.label.get(lang).to_string()}
                </button>
            }
        })
        .collect_view();
    view! { <div class="options" role="group" aria-labelledby="step-heading">{options}</div> }
}

fn multi(
    session: Session,
    s: &Step,
    existing: Option<Answer>,
    lang: Lang,
    t_now: &'static Texts,
) -> impl IntoView {
    let next = t_now.next_button;
    // Grounds the earlier answers already imply (e.g. the topic sexual abuse is ground (4)):
    // shown ticked, with why, and they cannot be unticked into "no duty".
    let implied: Vec<(String, String)> = if s.id == ids::DUTY {
        let profile = use_prefs().profile_untracked();
        session.answers.with_untracked(|a| {
            session
                .guide
                .implied_grounds(a, profile.as_deref())
                .into_iter()
                .map(|i| (i.ground.clone(), i.because.get(lang).to_string()))
                .collect()
        })
    } else {
        Vec::new()
    };
    let implied_ids: BTreeSet<String> = implied.iter().map(|(g, _)| g.clone()).collect();
    let picked = RwSignal::new(match existing {
        Some(Answer::Multi(ids)) => ids,
        _ => BTreeSet::new(),
    });
    let choices = session.guide.choices(s);
    let exclusive: Vec<String> = choices
        .iter()
        .filter(|c| c.exclusive)
        .map(|c| c.id.clone())
        .collect();
    let exclusive_ids = exclusive.clone();
    let boxes = choices
        .into_iter()
        .map(|c| {
            let id = c.id.clone();
            let id_checked = c.id.clone();
            let exclusive = exclusive.clone();
            let toggle = move |_| {
                picked.update(|set| {
                    if !set.remove(&id) {
                        // "Ingen af disse" stands alone.
                        if exclusive.contains(&id) {
                            set.clear();
                        } else {
                            set.retain(|x| !exclusive.contains(x));
                        }
                        set.insert(id.clone());
                    }
                })
            };
            let reasons: Vec<String> = implied
                .iter()
                .filter(|(g, _)| *g == c.id)
                .map(|(_, why)| why.clone())
                .collect();
            if !reasons.is_empty() {
                let hint_id = format!("implied-{}", c.id);
                return view! {
                    <div class="check check--implied">
                        <input type="checkbox" id=format!("check-{}", c.id) checked disabled aria-describedby=hint_id.clone() />
                        <label for=format!("check-{}", c.id)>
                            <span>{c.label.get(lang).to_string()}</span>
                            <span class="check__implied" id=hint_id>
                                <strong>{t_now.implied_ground} ": "</strong>{reasons.join(" ")}
                            </span>
                        </label>
                    </div>
                }
                .into_any();
            }
            let label = if c.exclusive && !implied.is_empty() {
                t_now.duty_none_others.to_string()
            } else {
                c.label.get(lang).to_string()
            };
            view! {
                <label class="check" class:check--exclusive=c.exclusive>
                    <input type="checkbox" prop:checked=move || picked.with(|p| p.contains(&id_checked)) on:change=toggle />
                    <span>{label}</span>
                </label>
            }
            .into_any()
        })
        .collect_view();
    let step_id = s.id.clone();
    view! {
        <div class="checks" role="group" aria-labelledby="step-heading">{boxes}</div>
        <p>
            <button type="button" class="btn btn--primary btn--wide"
                on:click=move |_| {
                    // Only what the teacher ticked is stored: the implied grounds follow from
                    // the earlier answers (and go if those change). With nothing else ticked,
                    // the answer is "none of the others".
                    let mut chosen = picked.get();
                    if !implied_ids.is_empty() {
                        chosen.retain(|c| !implied_ids.contains(c));
                        if chosen.is_empty() {
                            chosen.extend(exclusive_ids.iter().cloned());
                        }
                    }
                    session.submit(&step_id, Answer::Multi(chosen))
                }>
                {next} " →"
            </button>
        </p>
    }
}

fn text(session: Session, s: &Step, existing: Option<Answer>, lang: Lang) -> impl IntoView {
    let t = use_texts();
    let start = match existing {
        Some(Answer::Text(values)) => values,
        _ => BTreeMap::new(),
    };
    let values = RwSignal::new(start);
    let fields = s
        .fields
        .iter()
        .map(|f| {
            let id = f.id.clone();
            let id_value = f.id.clone();
            let id_cpr = f.id.clone();
            let dom_id = format!("field-{}", f.id);
            let value = move || values.with(|v| v.get(&id_value).cloned().unwrap_or_default());
            let cpr_found = move || values.with(|v| !cpr::find(v.get(&id_cpr).map(String::as_str).unwrap_or("")).is_empty());
            let id_remove = f.id.clone();
            let remove = move |_| values.update(|v| {
                if let Some(text) = v.get_mut(&id_remove) {
                    *text = cpr::remove(text);
                }
            });
            view! {
                <div class="field">
                    <label for=dom_id.clone()>{f.label.get(lang).to_string()}</label>
                    <textarea id=dom_id rows=if f.multiline { "5" } else { "1" } prop:value=value
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            values.update(|v| { v.insert(id.clone(), text); });
                            if session.error.get_untracked().is_some() {
                                session.error.set(None);
                            }
                        }></textarea>
                    {move || cpr_found().then(|| view! {
                        <div class="alert alert--warning" role="alert">
                            <p>{move || t.get().cpr_warning}</p>
                            <button type="button" class="btn btn--secondary" on:click=remove.clone()>{move || t.get().cpr_remove}</button>
                        </div>
                    })}
                </div>
            }
        })
        .collect_view();
    let step_id = s.id.clone();
    view! {
        {fields}
        <p>
            <button type="button" class="btn btn--primary btn--wide"
                on:click=move |_| session.submit(&step_id, Answer::Text(values.get()))>
                {move || t.get().next_button} " →"
            </button>
        </p>
    }
}

fn review(session: Session, next: &'static str) -> impl IntoView {
    let prefs = use_prefs();
    let lang = prefs.settings.read().lang;
    let plan = prefs.profile().map(|p| {
        let p = p.as_ref();
        {
            let mut answers = session.answers.get();
            answers.insert("involve".into(), Answer::Seen);
            let o = session.guide.outcome(&answers, p);
            o.steps
                .iter()
                .map(|st| {
                    view! {
                        <li>
                            <strong>{session.guide.contact_name(&st.contact, p, lang)}</strong>
                            " – " {session.guide.step_text(st, p, lang)}
                        </li>
                    }
                })
                .collect_view()
        }
    });
    view! {
        <ol class="involve">{plan}</ol>
        <p>
            <button type="button" class="btn btn--primary btn--wide"
                on:click=move |_| session.submit("involve", Answer::Seen)>
                {next} " →"
            </button>
        </p>
    }
}
