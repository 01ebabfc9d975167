//! Overblik: the SSP consultant's numbers from the concerns saved on this device — key figures,
//! bar charts by topic, level, staircase step and month, a class and period filter (kept in
//! memory only), and the numbers-only CSV. Thin: `domain::overview` computes every number and
//! the CSV; `layout` places the bars. Every chart's SVG is hidden from screen readers, which get
//! the same numbers as a table.

mod layout;

use super::common::use_content_width;
use super::{use_page_title, use_prefs, use_texts, use_work};
use crate::domain::dates::Date;
use crate::domain::guide::Level;
use crate::domain::i18n::{Lang, Texts};
use crate::domain::overview::{self, Filter, Overview, StaircaseStep};
use crate::domain::pages::Page;
use crate::domain::profile::library::Library;
use crate::domain::profile::Profile;
use crate::platform;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

/// A chart's card: padding and border on both sides (see `.chart` in `style/main.css`).
const CARD_INSET: f64 = 2.0 * (24.0 + 1.0);
/// From this content width on, the level and staircase charts stand side by side. Matches the
/// `.charts__pair` media query (948 px window = 900 px content + 2 × 24 px page padding).
const PAIR_FROM: f64 = 900.0;
const PAIR_GAP: f64 = 24.0;

/// The filter's fields as typed: a class ("" = all) and two ISO dates ("" = open-ended).
#[derive(Clone, Copy)]
struct FilterFields {
    class: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl FilterFields {
    fn reset(self) {
        self.class.set(String::new());
        self.from.set(String::new());
        self.to.set(String::new());
    }
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    use_page_title(Page::Overview);
    let fields = FilterFields {
        class: RwSignal::new(String::new()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
    };
    let filter = Memo::new(move |_| {
        Filter::from_inputs(&fields.class.read(), &fields.from.read(), &fields.to.read())
    });
    let today = Date::from_ms(platform::now_ms());
    let numbers = Memo::new(move |_| {
        let filter = filter.get();
        let profiles = prefs.library.with(Library::all);
        let profiles: Vec<&Profile> = profiles.iter().map(AsRef::as_ref).collect();
        work.concerns
            .with(|concerns| overview::overview(concerns, &filter, today, &profiles))
    });
    let any_saved = Memo::new(move |_| work.concerns.with(|c| !c.is_empty()));
    let body = move || {
        if any_saved.get() {
            Either::Left(view! {
                <p class="lead">{move || t.get().overview_intro}</p>
                <Filters fields filter />
                <Summary numbers />
                <Charts numbers />
            })
        } else {
            Either::Right(view! { <Empty /> })
        }
    };
    view! {
        <section class="page overview">
            <h1>{move || t.get().page_overview}</h1>
            {body}
        </section>
    }
}

/// No concerns on this device: say so calmly, and offer the way to save one.
#[component]
fn Empty() -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="empty-state">
            <p>{move || t.get().overview_empty}</p>
            <A href=Page::NewConcern.path() attr:class="btn btn--primary">
                {move || Page::NewConcern.title(t.get())}
            </A>
        </div>
    }
}

#[component]
fn Filters(fields: FilterFields, filter: Memo<Filter>) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    let classes = move || {
        let chosen = fields.class.get();
        work.concerns
            .with(|c| overview::school_classes(c))
            .into_iter()
            .map(|class| {
                let selected = class == chosen;
                let value = class.clone();
                view! { <option value=value selected=selected>{class}</option> }
            })
            .collect_view()
    };
    let date_field =
        move |id: &'static str, label: fn(&Texts) -> &'static str, value: RwSignal<String>| {
            view! {
                <div class="filters__field">
                    <label for=id>{move || label(t.get())}</label>
                    <input id=id class="input input--date" type="date"
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                        on:change=move |ev| value.set(event_target_value(&ev)) />
                </div>
            }
        };
    view! {
        <fieldset class="filters">
            <legend class="filters__legend">{move || t.get().overview_filter_legend}</legend>
            <div class="filters__fields">
                <div class="filters__field">
                    <label for="overview-class">{move || t.get().overview_class_label}</label>
                    <select id="overview-class" class="input"
                        on:change=move |ev| fields.class.set(event_target_value(&ev))>
                        <option value="" selected=move || fields.class.read().is_empty()>
                            {move || t.get().overview_class_all}
                        </option>
                        {classes}
                    </select>
                </div>
                {date_field("overview-from", |t| t.overview_from_label, fields.from)}
                {date_field("overview-to", |t| t.overview_to_label, fields.to)}
                <button type="button" class="btn btn--secondary filters__reset"
                    on:click=move |_| fields.reset()>
                    {move || t.get().overview_reset}
                </button>
            </div>
            {move || filter.read().is_reversed().then(|| view! {
                <p class="field-error">{move || t.get().overview_reversed}</p>
            })}
        </fieldset>
    }
}

/// How many concerns the filter lets through, the export, and the key figures.
#[component]
fn Summary(numbers: Memo<Overview>) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    let lang = move || prefs.settings.read().lang;
    let showing = move || {
        let all = work.concerns.with(Vec::len);
        t.get()
            .overview_showing
            .replace("{shown}", &numbers.read().total.to_string())
            .replace("{all}", &all.to_string())
    };
    let export = move |_| {
        let today = Date::from_ms(platform::now_ms());
        let csv = numbers.with_untracked(|o| overview::to_csv_file(o, lang()));
        // A failed download shows nothing here, as elsewhere in the app: the browser refused.
        let _ = platform::files::download_text(
            &overview::csv_file_name(today),
            "text/csv;charset=utf-8",
            &csv,
        );
    };
    let figures = move || {
        let t = t.get();
        let o = numbers.get();
        [
            (t.overview_total, o.total, false),
            (t.overview_open, o.open, false),
            (t.overview_closed, o.closed, false),
            (t.overview_overdue_follow_ups, o.overdue_follow_ups, true),
            (t.overview_overdue_items, o.overdue_items, true),
        ]
        .into_iter()
        .map(|(label, n, warn)| {
            view! {
                <li class="figure" class:figure--overdue=(warn && n > 0)>
                    <span class="figure__number">{n}</span>
                    <span class="figure__label">{label}</span>
                </li>
            }
        })
        .collect_view()
    };
    view! {
        <div class="overview__bar">
            <p class="overview__showing" role="status">
                {showing}
            </p>
            <div class="overview__export">
                <button type="button" class="btn btn--primary" aria-describedby="overview-export-hint"
                    on:click=export>
                    <DownloadIcon />
                    {move || t.get().overview_export}
                </button>
                <p class="hint" id="overview-export-hint">{move || t.get().overview_export_hint}</p>
            </div>
        </div>
        <h2 class="visually-hidden">{move || t.get().overview_figures_title}</h2>
        <ul class="figures">{figures}</ul>
    }
}

/// One bar of a chart as shown: its key (for tests and styling), label, count and colour.
struct Row {
    key: String,
    label: String,
    count: u32,
    /// `bar--<tone>` in the stylesheet.
    tone: &'static str,
}

fn topic_rows(o: &Overview, lang: Lang) -> Vec<Row> {
    o.by_topic
        .iter()
        .map(|c| Row {
            key: c.key.id.clone(),
            label: c.key.label(lang).to_string(),
            count: c.count,
            tone: "primary",
        })
        .collect()
}

fn level_rows(o: &Overview, lang: Lang) -> Vec<Row> {
    o.by_level
        .iter()
        .map(|c| Row {
            key: super::common::level_css(c.key).to_string(),
            label: overview::level_label(c.key, lang),
            count: c.count,
            tone: match c.key {
                Level::Green => "green",
                Level::Yellow => "yellow",
                Level::Red => "red",
            },
        })
        .collect()
}

fn staircase_rows(o: &Overview, lang: Lang) -> Vec<Row> {
    o.by_staircase
        .iter()
        .map(|c| Row {
            key: c.key.key(),
            label: c.key.label(lang),
            count: c.count,
            tone: match c.key {
                StaircaseStep::Number(_) => "primary",
                StaircaseStep::Unknown => "muted",
            },
        })
        .collect()
}

#[component]
fn Charts(numbers: Memo<Overview>) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let width = use_content_width();
    move || {
        let t = t.get();
        let lang = prefs.settings.read().lang;
        let w = width.get();
        let full = w - CARD_INSET;
        let half = if w >= PAIR_FROM {
            (w - PAIR_GAP) / 2.0 - CARD_INSET
        } else {
            full
        };
        numbers.with(|o| {
            view! {
                <div class="charts">
                    {bar_chart("topics", t.overview_by_topic, Some(t.overview_by_topic_note),
                        t.overview_col_topic, t, topic_rows(o, lang), full)}
                    <div class="charts__pair">
                        {bar_chart("levels", t.overview_by_level, None,
                            t.overview_col_level, t, level_rows(o, lang), half)}
                        {bar_chart("staircase", t.overview_by_staircase, Some(t.overview_by_staircase_note),
                            t.overview_col_step, t, staircase_rows(o, lang), half)}
                    </div>
                    {month_chart(o, t, lang, full)}
                </div>
            }
        })
    }
}

/// A chart's card: heading, optional note, the picture (hidden from screen readers) and the
/// same numbers as a table (for screen readers only; the picture shows them as text).
fn chart_card(
    id: &'static str,
    title: &'static str,
    note: Option<&'static str>,
    picture: impl IntoView,
    table: impl IntoView,
) -> impl IntoView {
    let heading = format!("chart-{id}");
    let labelled_by = heading.clone();
    view! {
        <section class=format!("chart chart--{id}") aria-labelledby=labelled_by>
            <h2 class="chart__title" id=heading>{title}</h2>
            {note.map(|n| view! { <p class="hint chart__note">{n}</p> })}
            {picture}
            {table}
        </section>
    }
}

fn number_table(
    title: &'static str,
    column: &'static str,
    t: &Texts,
    rows: &[Row],
) -> impl IntoView {
    let body = rows
        .iter()
        .map(|r| view! { <tr><th scope="row">{r.label.clone()}</th><td>{r.count}</td></tr> })
        .collect_view();
    view! {
        <table class="visually-hidden">
            <caption>{title}</caption>
            <thead><tr><th scope="col">{column}</th><th scope="col">{t.overview_col_count}</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

fn bar_chart(
    id: &'static str,
    title: &'static str,
    note: Option<&'static str>,
    column: &'static str,
    t: &Texts,
    rows: Vec<Row>,
    width: f64,
) -> impl IntoView {
    let input: Vec<(&str, u32)> = rows.iter().map(|r| (r.label.as_str(), r.count)).collect();
    let l = layout::bars(width, &input);
    let bars = l
        .rows
        .iter()
        .zip(&rows)
        .map(|(p, r)| {
            let lines = p
                .label_lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    view! { <tspan x=0 dy=if i == 0 { 0.0 } else { 20.0 }>{line.clone()}</tspan> }
                })
                .collect_view();
            view! {
                <g class=format!("chart__row bar--{}", r.tone) data-key=r.key.clone()>
                    <text class="chart__label" x=0 y=p.label_y>{lines}</text>
                    {(p.bar_w > 0.0).then(|| view! {
                        <rect class="chart__bar" x=p.bar_x y=p.bar_y width=p.bar_w height=layout::BAR_H rx=2 />
                    })}
                    <text class="chart__count" x=p.count_x y=p.count_y>{r.count}</text>
                </g>
            }
        })
        .collect_view();
    let picture = view! {
        <svg class="chart__svg" viewBox=format!("0 0 {} {}", l.width, l.height)
            width=l.width height=l.height aria-hidden="true" focusable="false">
            <line class="chart__axis" x1=l.axis_x - 0.5 y1=0 x2=l.axis_x - 0.5 y2=l.height />
            {bars}
        </svg>
    };
    chart_card(
        id,
        title,
        note,
        picture,
        number_table(title, column, t, &rows),
    )
}

fn month_chart(o: &Overview, t: &'static Texts, lang: Lang, width: f64) -> impl IntoView {
    let title = t.overview_by_month;
    let rows: Vec<Row> = o
        .by_month
        .iter()
        .map(|c| Row {
            key: c.key.iso(),
            label: c.key.label(lang),
            count: c.count,
            tone: "primary",
        })
        .collect();
    if rows.is_empty() {
        let empty = view! { <p class="chart__empty">{t.overview_no_months}</p> };
        return Either::Left(chart_card("months", title, None, empty, ()));
    }
    let input: Vec<_> = o.by_month.iter().map(|c| (c.key, c.count)).collect();
    let s = layout::months(width, &input);
    let short_names: Vec<&str> = t.month_names.split('|').collect();
    let columns = s
        .columns
        .iter()
        .map(|c| {
            let name = short_names
                .get(c.month.month as usize - 1)
                .map(|n| n.chars().take(3).collect::<String>())
                .unwrap_or_default();
            view! {
                <g class="chart__column bar--primary" data-key=c.month.iso()>
                    {(c.bar_h > 0.0).then(|| view! {
                        <rect class="chart__bar" x=c.bar_x y=c.bar_y width=c.bar_w height=c.bar_h rx=2 />
                    })}
                    <text class="chart__count" x=c.center_x y=c.count_y text-anchor="middle">{c.count}</text>
                    <text class="chart__month" x=c.center_x y=c.month_y text-anchor="middle">{name}</text>
                    {c.year_y.map(|y| view! {
                        <text class="chart__year" x=c.center_x y=y text-anchor="middle">{c.month.year}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let base_lines = s
        .base_lines
        .iter()
        .map(|b| view! { <line class="chart__axis" x1=0 y1=b.y + 0.5 x2=b.x2 y2=b.y + 0.5 /> })
        .collect_view();
    let picture = view! {
        <svg class="chart__svg" viewBox=format!("0 0 {} {}", s.width, s.height)
            width=s.width height=s.height aria-hidden="true" focusable="false">
            {base_lines}
            {columns}
        </svg>
    };
    Either::Right(chart_card(
        "months",
        title,
        None,
        picture,
        number_table(title, t.overview_col_month, t, &rows),
    ))
}

#[component]
fn DownloadIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M11 4h2v8.2l3.3-3.3 1.4 1.4L12 16 6.3 10.3l1.4-1.4 3.3 3.3V4zM5 18h14v2H5z" />
        </svg>
    }
}
