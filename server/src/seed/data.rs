//! What the generated data looks like: sign-ups that accelerate over the period,
//! students from Korea first and then some 30 other countries, study sessions in
//! the Korean afternoon and evening, each a run of problem views, attempts and
//! solves. Everything comes from one seeded random stream, so the same seed and
//! sizes give the same rows.

use serde_json::json;
use server_core::db::bulk::{ActivityRow, ProblemRow, UserRow};
use server_core::db::Ts;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Korea's offset from UTC in seconds: the platform's users live by it.
const KST: i64 = 9 * 3600;
/// A user whose last activity is this recent counts as online.
pub const ONLINE_WINDOW: i64 = 10 * 60;

/// Countries and their weights (per mille of sign-ups). All are large enough to
/// have an outline and a marker on the 1:110m world map.
const COUNTRIES: &[(&str, u32)] = &[
    ("KR", 520),
    ("US", 80),
    ("JP", 60),
    ("CN", 45),
    ("VN", 35),
    ("CA", 22),
    ("AU", 20),
    ("GB", 18),
    ("DE", 16),
    ("FR", 14),
    ("IN", 14),
    ("ID", 13),
    ("PH", 12),
    ("TH", 11),
    ("MY", 10),
    ("MN", 9),
    ("UZ", 8),
    ("KZ", 8),
    ("BR", 8),
    ("MX", 7),
    ("NZ", 7),
    ("RU", 7),
    ("ES", 6),
    ("IT", 6),
    ("NL", 5),
    ("SE", 5),
    ("TR", 5),
    ("AR", 4),
    ("CL", 4),
    ("ZA", 4),
    ("EG", 3),
    ("NG", 3),
    ("KE", 3),
    ("SA", 3),
    ("AE", 3),
];

const USER_TYPES: &[(&str, u32)] = &[("free", 70), ("paid", 22), ("premium", 8)];
const DEVICES: &[(&str, u32)] = &[("web", 45), ("android", 35), ("ios", 20)];

/// Share of the day's activity by KST hour: quiet at night, peaks after school.
const HOUR_WEIGHTS: [u32; 24] = [3, 2, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 9, 9, 10, 12, 14, 16, 18, 20, 21, 19, 14, 7];

const SUBJECTS: &[(&str, &str)] = &[
    ("math", "수학"),
    ("korean", "국어"),
    ("english", "영어"),
    ("science", "과학"),
    ("social", "사회"),
    ("coding", "코딩"),
];
const TOPICS: &[&str] =
    &["기초 개념", "응용 문제", "실력 점검", "심화 탐구", "서술형 연습", "단원 평가", "오답 복습", "모의고사"];
const DIFFICULTIES: &[(&str, u32)] = &[("easy", 40), ("medium", 40), ("hard", 20)];
const STATUSES: &[(&str, u32)] = &[("active", 80), ("inactive", 10), ("draft", 10)];

const FAMILY_NAMES: &[&str] =
    &["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin", "kwon"];
const GIVEN_NAMES: &[&str] = &[
    "minjun", "seoyeon", "doyun", "jiwoo", "haeun", "siwoo", "seojun", "hayoon", "jiho", "yuna", "eunwoo", "sua",
    "joon", "dana", "alex", "mina", "sam", "yui", "linh", "arjun", "emma", "noah", "mei", "leo",
];

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Platform users.
    pub users: u64,
    /// Activities, spread over the users' lifetimes.
    pub activities: u64,
    /// Problems in the bank.
    pub problems: u64,
    /// The random seed: the same seed and sizes give the same rows.
    pub seed: u64,
    /// Days of history, the last of which ends at `until`.
    pub days: u32,
    /// End of the history, in Unix seconds.
    pub until: i64,
    /// Drop the secondary indexes for the load and rebuild them after (faster
    /// for large loads; see `seed::rebuild_indexes_for`).
    pub rebuild_indexes: bool,
}

impl Plan {
    /// Start of the history: UTC midnight `days - 1` days before the day of
    /// `until`, so every day's window starts at midnight and the last one is the
    /// (partial) day `until` falls in.
    fn start(&self) -> i64 {
        until_day_start(self.until) - (i64::from(self.days) - 1) * DAY
    }
}

/// UTC midnight of the day `until` falls in.
fn until_day_start(until: i64) -> i64 {
    until.div_euclid(DAY) * DAY
}

/// One of `items`, each as likely as its weight.
pub fn pick<T: Copy>(rng: &mut fastrand::Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.u32(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// Sign-up times, ascending: user `i` (id `i + 1`) signed up at `times[i]`.
/// Growth accelerates: the share of users signed up by fraction `f` of the period is `f^1.6`.
pub fn signup_times(plan: &Plan) -> Vec<i64> {
    let mut rng = fastrand::Rng::with_seed(plan.seed);
    let span = (plan.until - plan.start()) as f64;
    let mut times: Vec<i64> = (0..plan.users)
        .map(|_| plan.start() + (rng.f64().powf(1.0 / 1.6) * span) as i64)
        .map(|t| t.min(plan.until - 1))
        .collect();
    times.sort_unstable();
    times
}

/// The user row for index `i` (id `i + 1`), given its sign-up and last activity.
pub fn user(plan: &Plan, i: usize, created_at: i64, last_activity: Option<i64>) -> UserRow {
    // Its own stream per user: attributes do not shift when sizes change.
    let mut rng = fastrand::Rng::with_seed(plan.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let given = GIVEN_NAMES[rng.usize(0..GIVEN_NAMES.len())];
    let family = FAMILY_NAMES[rng.usize(0..FAMILY_NAMES.len())];
    let id = i as i64 + 1;
    let username = format!("{given}.{family}{id}");
    UserRow {
        id,
        email: format!("{username}@students.dreamseed.example"),
        username,
        user_type: pick(&mut rng, USER_TYPES),
        created_at: Ts::from_secs(created_at),
        last_activity: last_activity.map(Ts::from_secs),
        is_online: last_activity.is_some_and(|t| t >= plan.until - ONLINE_WINDOW),
        country: Some(pick(&mut rng, COUNTRIES)),
        metadata: json!({
            "grade": rng.u8(1..=12),
            "signup_source": pick(&mut rng, DEVICES),
        }),
    }
}

/// The problem bank.
pub fn problems(plan: &Plan) -> Vec<ProblemRow> {
    let mut rng = fastrand::Rng::with_seed(plan.seed.wrapping_add(7));
    (1..=plan.problems as i64)
        .map(|id| {
            let (subject, subject_ko) = SUBJECTS[rng.usize(0..SUBJECTS.len())];
            let topic = TOPICS[rng.usize(0..TOPICS.len())];
            let difficulty = pick(&mut rng, DIFFICULTIES);
            let created = plan.start() + rng.i64(0..(plan.until - plan.start()).max(1));
            let updated = created + rng.i64(0..=(plan.until - created).max(0));
            let (a, b) = (rng.i64(2..99), rng.i64(2..99));
            ProblemRow {
                id,
                title: format!("[{subject_ko}] {topic} #{id}"),
                content: format!("{subject_ko} {topic}: {a}와(과) {b}를 이용하여 물음에 답하시오. ({a} × {b} = ?)"),
                answer: (a * b).to_string(),
                subject,
                difficulty,
                status: pick(&mut rng, STATUSES),
                created_at: Ts::from_secs(created),
                updated_at: Ts::from_secs(updated),
            }
        })
        .collect()
}

/// How many activities fall on each day: proportional to the users signed up by
/// the day's end, a little lower at weekends, and only the elapsed part of the
/// last (current) day. Largest-remainder rounding makes the counts sum exactly.
fn activities_per_day(plan: &Plan, signups: &[i64]) -> Vec<u64> {
    let start = plan.start();
    let days = plan.days as usize;
    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let day_start = start + d as i64 * DAY;
            let day_end = (day_start + DAY).min(plan.until);
            let users = signups.partition_point(|&t| t < day_end) as f64;
            // 1970-01-01 was a Thursday; count weekdays in KST.
            let weekday = ((day_start + KST).div_euclid(DAY) + 3).rem_euclid(7);
            let weekend = if weekday >= 5 { 0.75 } else { 1.0 };
            users * weekend * ((day_end - day_start) as f64 / DAY as f64)
        })
        .collect();
    let total: f64 = weights.iter().sum();
    if total == 0.0 {
        return vec![0; days];
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / total * plan.activities as f64).collect();
    let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut short = plan.activities - counts.iter().sum::<u64>();
    let mut by_remainder: Vec<usize> = (0..days).collect();
    by_remainder.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for d in by_remainder {
        if short == 0 {
            break;
        }
        counts[d] += 1;
        short -= 1;
    }
    counts
}

/// One generated activity, before it becomes a row.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// Index of the user (id - 1) in the sign-up order.
    pub user_index: usize,
    /// When, in Unix seconds.
    pub at: i64,
    /// The activity type (`login`, `problem_solve`, …).
    pub kind: &'static str,
    /// The problem a `problem_*` activity is about.
    pub problem_id: Option<i64>,
    /// The device used (`web`, `android`, `ios`).
    pub device: &'static str,
}

impl Event {
    /// The row to insert.
    pub fn row(&self) -> ActivityRow {
        let description = match (self.kind, self.problem_id) {
            ("login", _) => "로그인".to_owned(),
            ("lesson_complete", _) => "강의 완료".to_owned(),
            ("problem_view", Some(p)) => format!("문제 {p} 조회"),
            ("problem_attempt", Some(p)) => format!("문제 {p} 풀이 시도"),
            ("problem_solve", Some(p)) => format!("문제 {p} 정답"),
            (kind, _) => kind.to_owned(),
        };
        ActivityRow {
            user_id: self.user_index as i64 + 1,
            activity_type: self.kind,
            description,
            metadata: json!({ "device": self.device }),
            problem_id: self.problem_id,
            created_at: Ts::from_secs(self.at),
        }
    }
}

/// The activities, one day at a time in time order, so memory stays bounded by
/// one day's events whatever the total.
pub struct ActivityDays<'a> {
    plan: Plan,
    signups: &'a [i64],
    per_day: Vec<u64>,
    rng: fastrand::Rng,
    day: usize,
}

impl<'a> ActivityDays<'a> {
    /// Starts the stream; `signups` are the users' sign-up times from [`signup_times`].
    pub fn new(plan: &Plan, signups: &'a [i64]) -> Self {
        let per_day = if signups.is_empty() { Vec::new() } else { activities_per_day(plan, signups) };
        Self { plan: *plan, signups, per_day, rng: fastrand::Rng::with_seed(plan.seed.wrapping_add(13)), day: 0 }
    }
}

impl Iterator for ActivityDays<'_> {
    /// One day's events, in time order.
    type Item = Vec<Event>;

    fn next(&mut self) -> Option<Vec<Event>> {
        let count = *self.per_day.get(self.day)?;
        let (plan, signups, rng) = (&self.plan, self.signups, &mut self.rng);
        let hour_total: u32 = HOUR_WEIGHTS.iter().sum();
        let day_start = plan.start() + self.day as i64 * DAY;
        let day_end = (day_start + DAY).min(plan.until);
        let eligible = signups.partition_point(|&t| t < day_end).max(1);
        self.day += 1;
        let mut events = Vec::with_capacity(count as usize);
        while (events.len() as u64) < count {
            // A study session: log in, then view / attempt / solve a few problems.
            // Newer users are a little more active than old ones.
            let r = rng.f64();
            let user_index = (((1.0 - r * r) * eligible as f64) as usize).min(eligible - 1);
            let mut hour = 0;
            let mut roll = rng.u32(0..hour_total);
            while roll >= HOUR_WEIGHTS[hour] {
                roll -= HOUR_WEIGHTS[hour];
                hour += 1;
            }
            // Hours are KST hours; the day starts at UTC midnight of day_start.
            let local = (hour as i64 * 3600 - KST).rem_euclid(DAY) + rng.i64(0..3600);
            let mut at = (day_start + local).max(signups[user_index]);
            if at >= day_end {
                // Past the end of a partial last day: draw the session again.
                continue;
            }
            let device = pick(rng, DEVICES);
            let length = rng.u64(1..=9).min(count - events.len() as u64);
            for step in 0..length {
                if at >= day_end {
                    break;
                }
                let (kind, problem_id) = session_step(rng, plan, step);
                events.push(Event { user_index, at, kind, problem_id, device });
                at += rng.i64(20..400);
            }
        }
        events.sort_by_key(|e| e.at);
        Some(events)
    }
}

fn session_step(rng: &mut fastrand::Rng, plan: &Plan, step: u64) -> (&'static str, Option<i64>) {
    if step == 0 {
        return ("login", None);
    }
    if plan.problems == 0 || rng.u8(0..10) == 0 {
        return ("lesson_complete", None);
    }
    let problem = Some(rng.i64(1..=plan.problems as i64));
    let kind = match rng.u8(0..10) {
        0..=3 => "problem_view",
        4..=6 => "problem_attempt",
        _ => "problem_solve",
    };
    (kind, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            users: 500,
            activities: 5_000,
            problems: 40,
            seed: 7,
            days: 60,
            until: 1_790_000_000,
            rebuild_indexes: false,
        }
    }

    fn all_events(plan: &Plan) -> Vec<Event> {
        let signups = signup_times(plan);
        ActivityDays::new(plan, &signups).flatten().collect()
    }

    #[test]
    fn exactly_the_requested_number_of_activities_is_generated() {
        assert_eq!(all_events(&plan()).len(), 5_000);
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_does_not() {
        let a: Vec<(usize, i64)> = all_events(&plan()).iter().map(|e| (e.user_index, e.at)).collect();
        let b: Vec<(usize, i64)> = all_events(&plan()).iter().map(|e| (e.user_index, e.at)).collect();
        assert_eq!(a, b);
        let other = Plan { seed: 8, ..plan() };
        let c: Vec<(usize, i64)> = all_events(&other).iter().map(|e| (e.user_index, e.at)).collect();
        assert_ne!(a, c);
        assert_eq!(user(&plan(), 3, 0, None).email, user(&plan(), 3, 0, None).email);
    }

    #[test]
    fn no_one_acts_before_signing_up_or_after_the_end() {
        let plan = plan();
        let signups = signup_times(&plan);
        for e in all_events(&plan) {
            assert!(e.at >= signups[e.user_index], "{e:?} before sign-up");
            assert!(e.at < plan.until, "{e:?} after the end");
        }
    }

    #[test]
    fn sign_ups_accelerate_over_the_period() {
        let plan = plan();
        let signups = signup_times(&plan);
        let midpoint = plan.start() + (plan.until - plan.start()) / 2;
        let first_half = signups.partition_point(|&t| t < midpoint);
        assert!(first_half < signups.len() / 2, "{first_half} of {} in the first half", signups.len());
        assert!(signups.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_daily_rhythm_follows_korean_hours_whenever_the_seed_runs() {
        // The same history seeded at two times of day has its busiest hour at the
        // same KST hour (the profile peaks at 20:00 KST).
        for until in [1_790_000_000, 1_790_000_000 + 11 * 3_600] {
            let plan = Plan { until, activities: 20_000, ..plan() };
            let mut per_hour = [0u32; 24];
            for e in all_events(&plan) {
                per_hour[((e.at + KST).rem_euclid(DAY) / 3_600) as usize] += 1;
            }
            let busiest = (0..24).max_by_key(|&h| per_hour[h]).unwrap();
            assert!((19..=21).contains(&busiest), "busiest KST hour {busiest} for until={until}: {per_hour:?}");
        }
    }

    #[test]
    fn problems_have_valid_titles_and_enums() {
        for p in problems(&plan()) {
            assert!((1..=200).contains(&p.title.chars().count()));
            assert!(["easy", "medium", "hard"].contains(&p.difficulty));
            assert!(["active", "inactive", "draft"].contains(&p.status));
            assert!(p.updated_at >= p.created_at);
        }
    }
}
