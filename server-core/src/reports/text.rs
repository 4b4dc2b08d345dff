//! A report's words in Korean and English, and how it writes numbers and
//! changes. The dashboard's words live in `app/src/i18n.rs`, which server-core
//! cannot use (`app` depends on it), so the ones reports share are copied here
//! (section kinds, figures, tiers, difficulties, weekdays): keep them equal.

/// Every fixed piece of report text, so a missing translation is a compile error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant names the text it stands for")]
pub enum Label {
    Period,
    Generated,
    Footer,
    StatSummary,
    Comparison,
    TopCountries,
    ProblemBank,
    Anomalies,
    Notes,
    UserGrowth,
    UsersByType,
    ActivityByType,
    ActivityHeatmap,
    ProblemsBySubject,
    Figure,
    ThisPeriod,
    PreviousPeriod,
    Difference,
    Change,
    NoChange,
    Date,
    Week,
    NewUsers,
    CumulativeUsers,
    UserType,
    Users,
    Share,
    Total,
    Weekday,
    Rank,
    Country,
    TodayActive,
    Subject,
    Difficulty,
    ProblemTitle,
    Solves,
    Attempts,
    SolveRate,
    ActiveProblems,
    TopSolved,
    LowestRate,
    Day,
    Metric,
    Value,
    BaselineMean,
    ZScore,
    AnomalyRule,
    NoAnomalies,
    NoData,
    NoSubject,
}

/// The text of `key` in Korean (`korean`) or English.
pub fn label(korean: bool, key: Label) -> &'static str {
    use Label::*;
    let (ko, en) = match key {
        Period => ("기간", "Period"),
        Generated => ("생성", "Generated"),
        Footer => ("DreamSeed Admin이 자동으로 만든 보고서입니다.", "An automatic report from DreamSeed Admin."),
        StatSummary => ("주요 지표 요약", "Key figures"),
        Comparison => ("이전 기간 비교", "Comparison with the previous period"),
        TopCountries => ("상위 국가", "Top countries"),
        ProblemBank => ("문제 은행", "Problem bank"),
        Anomalies => ("이상치", "Anomalies"),
        Notes => ("메모", "Notes"),
        UserGrowth => ("사용자 증가", "User growth"),
        UsersByType => ("유형별 사용자", "Users by type"),
        ActivityByType => ("유형별 활동", "Activity by type"),
        ActivityHeatmap => ("요일·시간대별 활동", "Activity by weekday and hour"),
        ProblemsBySubject => ("과목·난이도별 문제", "Problems by subject and difficulty"),
        Figure => ("지표", "Figure"),
        ThisPeriod => ("이번 기간", "This period"),
        PreviousPeriod => ("이전 기간", "Previous period"),
        Difference => ("증감", "Difference"),
        Change => ("변화율", "Change"),
        NoChange => ("변화 없음", "No change"),
        Date => ("날짜", "Date"),
        Week => ("주", "Week"),
        NewUsers => ("신규 가입", "New users"),
        CumulativeUsers => ("누적 사용자", "Total users"),
        UserType => ("유형", "Type"),
        Users => ("사용자", "Users"),
        Share => ("비율", "Share"),
        Total => ("합계", "Total"),
        Weekday => ("요일", "Weekday"),
        Rank => ("순위", "Rank"),
        Country => ("국가", "Country"),
        TodayActive => ("오늘 활성", "Active today"),
        Subject => ("과목", "Subject"),
        Difficulty => ("난이도", "Difficulty"),
        ProblemTitle => ("제목", "Title"),
        Solves => ("풀이", "Solves"),
        Attempts => ("시도", "Attempts"),
        SolveRate => ("정답률", "Solve rate"),
        ActiveProblems => ("활성 문제", "Active problems"),
        TopSolved => ("가장 많이 풀린 문제", "Most solved"),
        LowestRate => ("정답률이 가장 낮은 문제", "Lowest solve rate"),
        Day => ("날짜", "Day"),
        Metric => ("항목", "Metric"),
        Value => ("값", "Value"),
        BaselineMean => ("기준 평균", "Baseline mean"),
        ZScore => ("표준점수", "z-score"),
        AnomalyRule => ("기준", "Rule"),
        NoAnomalies => ("이 기간에 특이한 날은 없었습니다.", "No unusual days in this period."),
        NoData => ("데이터가 없습니다.", "No data."),
        NoSubject => ("(없음)", "(none)"),
    };
    if korean {
        ko
    } else {
        en
    }
}

/// A headline figure's name (`new_users`); an unknown key as it is.
pub fn figure_name(korean: bool, key: &str) -> &str {
    let (ko, en) = match key {
        "new_users" => ("신규 가입", "New users"),
        "active_users" => ("활성 사용자", "Active users"),
        "activities" => ("활동", "Activities"),
        "new_problems" => ("새 문제", "New problems"),
        "total_users" => ("전체 사용자", "Total users"),
        other => return other,
    };
    if korean {
        ko
    } else {
        en
    }
}

/// An activity type (`problem_solve`) in words; a type reports do not know is
/// shown as stored.
pub fn activity_name(korean: bool, activity_type: &str) -> &str {
    let (ko, en) = match activity_type {
        "login" => ("로그인", "Logins"),
        "signup" => ("가입", "Sign-ups"),
        "problem_view" => ("문제 조회", "Problem views"),
        "problem_attempt" => ("풀이 시도", "Attempts"),
        "problem_solve" | "problem_solved" => ("정답", "Solves"),
        "lesson_complete" => ("강의 완료", "Lessons completed"),
        other => return other,
    };
    if korean {
        ko
    } else {
        en
    }
}

/// A stored value (`premium`, `hard`) in words, as the dashboard names it;
/// other values as they are.
pub fn value_name(korean: bool, value: &str) -> &str {
    let (ko, en) = match value {
        "free" => ("무료", "Free"),
        "paid" => ("유료", "Paid"),
        "premium" => ("프리미엄", "Premium"),
        "easy" => ("쉬움", "Easy"),
        "medium" => ("보통", "Medium"),
        "hard" => ("어려움", "Hard"),
        "(none)" => ("(없음)", "(none)"),
        other => return other,
    };
    if korean {
        ko
    } else {
        en
    }
}

/// Weekday names, Monday first.
pub fn weekdays(korean: bool) -> [&'static str; 7] {
    if korean {
        ["월", "화", "수", "목", "금", "토", "일"]
    } else {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    }
}

/// `n` with thousands separators (`12,345`), as both languages write it.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The signed difference (`+25`, `-3`, `0`).
pub fn difference(value: i64, previous: i64) -> String {
    let diff = value - previous;
    if diff > 0 {
        format!("+{}", count(diff))
    } else {
        count(diff)
    }
}

/// Which way a figure moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// It grew.
    Up,
    /// It shrank.
    Down,
    /// It stayed.
    Flat,
}

impl Trend {
    /// The trend from `previous` to `value`.
    pub fn of(value: i64, previous: i64) -> Self {
        match value.cmp(&previous) {
            std::cmp::Ordering::Greater => Trend::Up,
            std::cmp::Ordering::Less => Trend::Down,
            std::cmp::Ordering::Equal => Trend::Flat,
        }
    }
}

/// The change as an arrow and a percentage (`▲ 12.5 %`, `▼ 3.0 %`), the arrow
/// alone when there was nothing before, and "no change" when equal.
pub fn change(korean: bool, value: i64, previous: i64) -> String {
    let arrow = match Trend::of(value, previous) {
        Trend::Up => "▲",
        Trend::Down => "▼",
        Trend::Flat => return label(korean, Label::NoChange).to_owned(),
    };
    if previous == 0 {
        return arrow.to_owned();
    }
    let pct = (value - previous) as f64 * 100.0 / previous as f64;
    format!("{arrow} {:.1} %", pct.abs())
}

/// A share (0–1) as a percentage with one decimal (`42.9 %`).
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_arrows_and_percentages() {
        assert_eq!(change(false, 225, 200), "▲ 12.5 %");
        assert_eq!(change(true, 97, 100), "▼ 3.0 %");
        assert_eq!(change(true, 5, 0), "▲");
        assert_eq!(change(false, 7, 7), "No change");
        assert_eq!(difference(90, 100), "-10");
        assert_eq!(difference(1_100, 100), "+1,000");
    }

    #[test]
    fn known_words_are_translated_and_unknown_ones_kept() {
        assert_eq!(activity_name(true, "problem_view"), "문제 조회");
        assert_eq!(activity_name(false, "quiz_<x>"), "quiz_<x>");
        assert_eq!(value_name(true, "premium"), "프리미엄");
        assert_eq!(figure_name(false, "active_users"), "Active users");
        assert_eq!(label(true, Label::UsersByType), "유형별 사용자");
        assert_eq!(count(-1_234_567), "-1,234,567");
    }
}
