//! The UI's words in Korean (the default) and English, and number formatting.

/// A UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Korean, the default.
    #[default]
    Ko,
    /// English.
    En,
}

impl Lang {
    /// The language tag (`ko`, `en`): the `lang` attribute and the cookie value.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language a tag names.
    pub fn parse(tag: &str) -> Option<Self> {
        match tag {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Every piece of UI text, so a missing translation is a compile error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant names the text it stands for")]
pub enum Msg {
    AppName,
    NavDashboard,
    DashboardTitle,
    TotalUsers,
    OnlineNow,
    ActiveToday,
    NewToday,
    UsersByType,
    Free,
    Paid,
    Premium,
    Problems,
    ProblemsActiveOf,
    ActivitiesToday,
    UserGrowth,
    NewUsers,
    CumulativeUsers,
    UserMap,
    Users,
    TodayActive,
    NoUsersYet,
    NotFoundTitle,
    NotFoundBody,
    BackToDashboard,
    ErrorTitle,
    ErrorRetry,
    ErrorTrace,
    ErrorValidation,
    ErrorUnauthorized,
    ErrorForbidden,
    ErrorNotFound,
    ErrorConflict,
    ErrorBusinessRule,
    ErrorRateLimited,
    ErrorUnavailable,
    ErrorInternal,
    NavSystem,
    SystemTitle,
    Dependencies,
    RequestsPerRoute,
    SinceStart,
    Method,
    Route,
    Requests,
    Average,
    ErrorRate,
    ClientErrors,
    Uptime,
    Version,
    ResponseTime,
    StatusHealthy,
    StatusDegraded,
    StatusUnhealthy,
    Refresh,
    NoRequestsYet,
    RangeToday,
    Range7d,
    Range30d,
    Range90d,
    Range12m,
    RangeCustom,
    RangeFrom,
    RangeTo,
    Apply,
    TimeRange,
    VsYesterday,
    ActivityByType,
    ActivityHeatmap,
    ProblemsBySubject,
    Easy,
    Medium,
    Hard,
    NoActivityYet,
    NoProblemsYet,
    RecentActivity,
    Live,
    Reconnecting,
    AutoRefresh,
    Off,
    Language,
    ThemeLabel,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    TimeZone,
    Legend,
    NavUsers,
    UsersTitle,
    Email,
    Username,
    UserType,
    Country,
    SignedUp,
    LastActivity,
    Online,
    ClearFilter,
    NoUsersMatch,
    SkipToContent,
    MainMenu,
    NoChange,
    SignIn,
    SigningIn,
    Password,
    TotpCode,
    TotpPrompt,
    LoginInvalid,
    NavAudit,
    NavSettings,
    SignOut,
    AccountMenu,
    RoleLabel,
    RoleViewer,
    RoleEditor,
    RoleOwner,
    RoleAdmin,
    SettingsTitle,
    MyAccount,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    ConfirmPassword,
    PasswordsDiffer,
    PasswordChanged,
    MustChangePassword,
    TwoFactor,
    TotpIsOn,
    TotpIsOff,
    TotpOffHint,
    TotpTurnOn,
    TotpTurnOff,
    TotpScan,
    TotpQrLabel,
    TotpSecret,
    TotpDisableHint,
    TotpEnabledDone,
    TotpDisabledDone,
    Confirm,
    ApiKeys,
    KeyName,
    KeyPrefix,
    Scopes,
    Created,
    LastUsed,
    Expires,
    Status,
    KeyActive,
    KeyExpired,
    KeyRevoked,
    Revoke,
    RevokeConfirm,
    CreateApiKey,
    ScopeIngest,
    ValidDays,
    NewApiKey,
    NewKeyOnce,
    NoApiKeys,
    Never,
    Actions,
    Accounts,
    LastLogin,
    AccountActive,
    AccountDisabled,
    Disable,
    Enable,
    CreateAccount,
    FirstPassword,
    AccountCreated,
    You,
    AuditTitle,
    AuditNewestFirst,
    Time,
    Actor,
    Action,
    Target,
    Outcome,
    IpAddress,
    OutcomeAll,
    OutcomeSuccess,
    OutcomeFailure,
    ActionPrefixHint,
    Filter,
    OlderEntries,
    NewestEntries,
    NoAuditEntries,
    NavActivities,
    NavProblems,
    Filters,
    Search,
    SearchUsersHint,
    All,
    OnlineStatus,
    Offline,
    CountryHint,
    SignedUpFrom,
    SignedUpTo,
    SortBy,
    SortOrder,
    Descending,
    Ascending,
    ClearFilters,
    ExportCsv,
    NextPage,
    FirstPage,
    Paging,
    UserDetailTitle,
    UserId,
    ActivityCount,
    Metadata,
    Yes,
    No,
    Save,
    Saved,
    ChangeUserType,
    ActivityTimeline,
    LoadMore,
    BackToUsers,
    ActivitiesTitle,
    ActivityType,
    Description,
    NoActivitiesMatch,
    ProblemsTitle,
    ProblemTitle,
    ProblemContent,
    ProblemAnswer,
    Subject,
    Difficulty,
    NotSet,
    StatusActive,
    StatusInactive,
    StatusDraft,
    Archived,
    ShowArchived,
    Views,
    Attempts,
    Solves,
    SolveRate,
    Updated,
    Id,
    NewProblem,
    CreateProblem,
    SelectAllOnPage,
    NewStatus,
    ApplyToSelected,
    BulkChange,
    Archive,
    Restore,
    ProblemStatsTitle,
    NoProblemsMatch,
    BackToProblems,
    TitleLengthHint,
    NavReports,
    ReportsTitle,
    Templates,
    TemplatesTitle,
    NewReport,
    CreateReport,
    NewTemplate,
    CreateTemplate,
    BackToReports,
    BackToTemplates,
    Name,
    Template,
    Schedule,
    NextRun,
    LastRun,
    StatusPaused,
    Pause,
    Resume,
    Clone,
    Delete,
    DeleteConfirm,
    Cancel,
    Cloned,
    NoReportsMatch,
    NoTemplatesYet,
    BuiltIn,
    BuiltinTemplateReadOnly,
    BuiltinReportNoDelete,
    Period,
    PeriodFromTemplate,
    PeriodDays,
    CronPattern,
    CronHint,
    TimezoneHint,
    NextRuns,
    SchedulePending,
    FiguresZone,
    ReportLanguage,
    Formats,
    Destinations,
    NoChannelsYet,
    DestinationsHint,
    Category,
    Sections,
    UsedBy,
    AddSection,
    SectionKind,
    MoveUp,
    MoveDown,
    Remove,
    NoSectionsYet,
    ChartKind,
    RowLimit,
    Metrics,
    AllMetricsHint,
    LookbackDays,
    MinZ,
    SectionHeading,
    SectionBody,
    SectionBodyHint,
    DefaultHint,
    KindStatSummary,
    KindChart,
    KindTopCountries,
    KindProblemBank,
    KindComparison,
    KindAnomalies,
    KindText,
    MetricActiveUsers,
    MetricActivities,
    MetricNewProblems,
    PeriodYesterday,
    PeriodLast7Days,
    PeriodLastWeek,
    PeriodLastMonth,
    PeriodLastNDays,
    PeriodFixed,
    CategoryDaily,
    CategoryWeekly,
    CategoryMonthly,
    CategoryCustom,
    RunPending,
    RunRunning,
    RunCompleted,
    RunFailed,
    NotRunYet,
    RunsTitle,
    AllRuns,
    RunNow,
    RunRequested,
    NoRunsYet,
    ColRun,
    ColTrigger,
    ColStarted,
    ColDuration,
    ColOutputs,
    ColTraceId,
    TriggerSchedule,
    TriggerManual,
    TriggerApi,
    RunNote,
    ChooseTemplate,
    ChannelsTitle,
    ChannelsIntro,
    ManageChannels,
    NewChannel,
    CreateChannel,
    BackToChannels,
    BackToSettings,
    ChannelKind,
    KindWebhook,
    KindSlack,
    KindEmail,
    NotUsed,
    ChannelUrl,
    ChannelUrlHint,
    SmtpHost,
    SmtpPort,
    SmtpTls,
    TlsNone,
    KeepPassword,
    NoPasswordStored,
    MailFrom,
    MailFromHint,
    Recipients,
    SigningSecret,
    SigningSecretOnce,
    SigningSecretUse,
    Copy,
    Copied,
    CopyFailed,
    Signing,
    SigningOn,
    SigningOff,
    RotateSecret,
    RotateConfirm,
    Rotate,
    SendTest,
    DeliveriesTitle,
    NoDeliveriesYet,
    ColSubject,
    ColDelivered,
    ColStatusCode,
    ColLastError,
    ColAttempt,
    ColInstance,
    ColError,
    ColResponse,
    DeliveryDelivered,
    DeliverySending,
    OutcomeRetry,
    OutcomeLost,
    SubjectReportRun,
    SubjectTest,
    SubjectAlert,
    NextAttempt,
    SecretsUnreadable,
    CreatedBy,
    ChannelSettings,
    CannotDelete,
    PortRange,
    RemovePassword,
    NavAlerts,
    AlertsTitle,
    AlertsIntro,
    AlertRules,
    AlertHistory,
    NewAlertRule,
    CreateAlertRule,
    BackToAlerts,
    NoAlertRulesYet,
    NoAlertEventsYet,
    AlertRuleSettings,
    CurrentValue,
    Condition,
    LastEvaluated,
    Trend,
    Severity,
    RuleColumn,
    EventColumn,
    ValueColumn,
    MessageColumn,
    Silenced,
    StateNormal,
    StatePending,
    StateFiring,
    EventRepeat,
    EventResolved,
    EventCleared,
    SeverityInfo,
    SeverityWarning,
    SeverityCritical,
    MetricUsersOnline,
    MetricActiveToday,
    MetricNewSignups,
    MetricActivityCount,
    MetricSolveRate,
    MetricErrorRate,
    MetricLatencyP95,
    MetricReportFailures,
    MetricReportDurationP95,
    MetricIngestionLag,
    MetricDbPoolWaiting,
    CondAbove,
    CondBelow,
    CondOutside,
    CondChangeUp,
    CondChangeDown,
    CondNoData,
    AlertMetric,
    AlertFilter,
    FilterActivityHint,
    FilterRouteHint,
    WindowMinutes,
    Threshold,
    ThresholdLow,
    ThresholdHigh,
    ChangePercent,
    Recovery,
    RecoveryHint,
    NoDataMinutes,
    IntervalSeconds,
    IntervalHint,
    PendingSeconds,
    PendingHint,
    RepeatSeconds,
    RepeatHint,
    AlertChannels,
    AlertChannelsHint,
    MessageTemplate,
    MessageTemplateHint,
    TestRule,
    TestRuleHint,
    PreviousValue,
    Breaching,
    WouldBecome,
    NoData,
    Silence1h,
    SilenceTomorrow,
    Unsilence,
    RuleHistory,
    MetricHintUsersOnline,
    MetricHintActiveToday,
    MetricHintNewSignups,
    MetricHintActivities,
    MetricHintSolveRate,
    MetricHintErrorRate,
    MetricHintLatencyP95,
    MetricHintReportFailures,
    MetricHintReportDurationP95,
    MetricHintIngestionLag,
    MetricHintDbPoolWaiting,
}

/// `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match (lang, msg) {
        (_, AppName) => "DreamSeed Admin",
        (Lang::Ko, NavDashboard) => "대시보드",
        (Lang::En, NavDashboard) => "Dashboard",
        (Lang::Ko, DashboardTitle) => "운영 대시보드",
        (Lang::En, DashboardTitle) => "Operations dashboard",
        (Lang::Ko, TotalUsers) => "전체 사용자",
        (Lang::En, TotalUsers) => "Total users",
        (Lang::Ko, OnlineNow) => "현재 접속",
        (Lang::En, OnlineNow) => "Online now",
        (Lang::Ko, ActiveToday) => "오늘 활성",
        (Lang::En, ActiveToday) => "Active today",
        (Lang::Ko, NewToday) => "오늘 가입",
        (Lang::En, NewToday) => "New today",
        (Lang::Ko, UsersByType) => "유형별 사용자",
        (Lang::En, UsersByType) => "Users by type",
        (Lang::Ko, Free) => "무료",
        (Lang::En, Free) => "Free",
        (Lang::Ko, Paid) => "유료",
        (Lang::En, Paid) => "Paid",
        (Lang::Ko, Premium) => "프리미엄",
        (Lang::En, Premium) => "Premium",
        (Lang::Ko, Problems) => "문제",
        (Lang::En, Problems) => "Problems",
        (Lang::Ko, ProblemsActiveOf) => "활성 / 전체",
        (Lang::En, ProblemsActiveOf) => "active / total",
        (Lang::Ko, ActivitiesToday) => "오늘 활동",
        (Lang::En, ActivitiesToday) => "Activities today",
        (Lang::Ko, UserGrowth) => "사용자 증가",
        (Lang::En, UserGrowth) => "User growth",
        (Lang::Ko, NewUsers) => "신규 가입",
        (Lang::En, NewUsers) => "New users",
        (Lang::Ko, CumulativeUsers) => "누적 사용자",
        (Lang::En, CumulativeUsers) => "Total users",
        (Lang::Ko, UserMap) => "국가별 사용자",
        (Lang::En, UserMap) => "Users by country",
        (Lang::Ko, Users) => "사용자",
        (Lang::En, Users) => "Users",
        (Lang::Ko, TodayActive) => "오늘 활성",
        (Lang::En, TodayActive) => "Active today",
        (Lang::Ko, NoUsersYet) => "아직 사용자가 없습니다.",
        (Lang::En, NoUsersYet) => "No users yet.",
        (Lang::Ko, NotFoundTitle) => "페이지를 찾을 수 없습니다",
        (Lang::En, NotFoundTitle) => "Page not found",
        (Lang::Ko, NotFoundBody) => "주소를 확인하거나 대시보드로 돌아가세요.",
        (Lang::En, NotFoundBody) => "Check the address or go back to the dashboard.",
        (Lang::Ko, BackToDashboard) => "대시보드로",
        (Lang::En, BackToDashboard) => "Back to the dashboard",
        (Lang::Ko, ErrorTitle) => "데이터를 불러오지 못했습니다",
        (Lang::En, ErrorTitle) => "Could not load this data",
        (Lang::Ko, ErrorRetry) => "다시 시도",
        (Lang::En, ErrorRetry) => "Try again",
        (Lang::Ko, ErrorTrace) => "추적 ID",
        (Lang::En, ErrorTrace) => "Trace ID",
        (Lang::Ko, ErrorValidation) => "요청 값이 올바르지 않습니다.",
        (Lang::En, ErrorValidation) => "Some of the request's values are invalid.",
        (Lang::Ko, ErrorUnauthorized) => "로그인이 필요합니다.",
        (Lang::En, ErrorUnauthorized) => "Please sign in.",
        (Lang::Ko, ErrorForbidden) => "이 작업을 할 권한이 없습니다.",
        (Lang::En, ErrorForbidden) => "You do not have permission to do this.",
        (Lang::Ko, ErrorNotFound) => "찾는 항목이 없습니다.",
        (Lang::En, ErrorNotFound) => "What you are looking for does not exist.",
        (Lang::Ko, ErrorConflict) => "다른 변경과 충돌했습니다.",
        (Lang::En, ErrorConflict) => "This conflicts with another change.",
        (Lang::Ko, ErrorBusinessRule) => "규칙상 허용되지 않는 요청입니다.",
        (Lang::En, ErrorBusinessRule) => "A rule does not allow this.",
        (Lang::Ko, ErrorRateLimited) => "요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
        (Lang::En, ErrorRateLimited) => "Too many requests. Try again in a moment.",
        (Lang::Ko, ErrorUnavailable) => "서비스에 일시적으로 연결할 수 없습니다.",
        (Lang::En, ErrorUnavailable) => "The service is temporarily unavailable.",
        (Lang::Ko, ErrorInternal) => "서버에서 문제가 발생했습니다.",
        (Lang::En, ErrorInternal) => "Something went wrong on the server.",
        (Lang::Ko, NavSystem) => "시스템",
        (Lang::En, NavSystem) => "System",
        (Lang::Ko, SystemTitle) => "시스템 상태",
        (Lang::En, SystemTitle) => "System status",
        (Lang::Ko, Dependencies) => "의존 서비스",
        (Lang::En, Dependencies) => "Dependencies",
        (Lang::Ko, RequestsPerRoute) => "경로별 요청",
        (Lang::En, RequestsPerRoute) => "Requests per route",
        (Lang::Ko, SinceStart) => "이 인스턴스 시작 이후",
        (Lang::En, SinceStart) => "Since this instance started",
        (Lang::Ko, Method) => "메서드",
        (Lang::En, Method) => "Method",
        (Lang::Ko, Route) => "경로",
        (Lang::En, Route) => "Route",
        (Lang::Ko, Requests) => "요청 수",
        (Lang::En, Requests) => "Requests",
        (Lang::Ko, Average) => "평균",
        (Lang::En, Average) => "Average",
        (Lang::Ko, ErrorRate) => "오류율 (5xx)",
        (Lang::En, ErrorRate) => "Error rate (5xx)",
        (Lang::Ko, ClientErrors) => "4xx",
        (Lang::En, ClientErrors) => "4xx",
        (Lang::Ko, Uptime) => "가동 시간",
        (Lang::En, Uptime) => "Uptime",
        (Lang::Ko, Version) => "버전",
        (Lang::En, Version) => "Version",
        (Lang::Ko, ResponseTime) => "응답 시간",
        (Lang::En, ResponseTime) => "Response time",
        (Lang::Ko, StatusHealthy) => "정상",
        (Lang::En, StatusHealthy) => "Healthy",
        (Lang::Ko, StatusDegraded) => "저하",
        (Lang::En, StatusDegraded) => "Degraded",
        (Lang::Ko, StatusUnhealthy) => "장애",
        (Lang::En, StatusUnhealthy) => "Unhealthy",
        (Lang::Ko, Refresh) => "새로고침",
        (Lang::En, Refresh) => "Refresh",
        (Lang::Ko, NoRequestsYet) => "아직 요청이 없습니다.",
        (Lang::En, NoRequestsYet) => "No requests yet.",
        (Lang::Ko, RangeToday) => "오늘",
        (Lang::En, RangeToday) => "Today",
        (Lang::Ko, Range7d) => "7일",
        (Lang::En, Range7d) => "7 days",
        (Lang::Ko, Range30d) => "30일",
        (Lang::En, Range30d) => "30 days",
        (Lang::Ko, Range90d) => "90일",
        (Lang::En, Range90d) => "90 days",
        (Lang::Ko, Range12m) => "12개월",
        (Lang::En, Range12m) => "12 months",
        (Lang::Ko, RangeCustom) => "직접 지정",
        (Lang::En, RangeCustom) => "Custom",
        (Lang::Ko, RangeFrom) => "시작일",
        (Lang::En, RangeFrom) => "From",
        (Lang::Ko, RangeTo) => "종료일",
        (Lang::En, RangeTo) => "To",
        (Lang::Ko, Apply) => "적용",
        (Lang::En, Apply) => "Apply",
        (Lang::Ko, TimeRange) => "기간",
        (Lang::En, TimeRange) => "Time range",
        (Lang::Ko, VsYesterday) => "어제 같은 시각 대비",
        (Lang::En, VsYesterday) => "vs. same time yesterday",
        (Lang::Ko, ActivityByType) => "유형별 활동",
        (Lang::En, ActivityByType) => "Activity by type",
        (Lang::Ko, ActivityHeatmap) => "요일·시간대별 활동",
        (Lang::En, ActivityHeatmap) => "Activity by weekday and hour",
        (Lang::Ko, ProblemsBySubject) => "과목·난이도별 문제",
        (Lang::En, ProblemsBySubject) => "Problems by subject and difficulty",
        (Lang::Ko, Easy) => "쉬움",
        (Lang::En, Easy) => "Easy",
        (Lang::Ko, Medium) => "보통",
        (Lang::En, Medium) => "Medium",
        (Lang::Ko, Hard) => "어려움",
        (Lang::En, Hard) => "Hard",
        (Lang::Ko, NoActivityYet) => "이 기간에는 활동이 없습니다.",
        (Lang::En, NoActivityYet) => "No activity in this range.",
        (Lang::Ko, NoProblemsYet) => "아직 문제가 없습니다.",
        (Lang::En, NoProblemsYet) => "No problems yet.",
        (Lang::Ko, RecentActivity) => "최근 활동",
        (Lang::En, RecentActivity) => "Recent activity",
        (Lang::Ko, Live) => "실시간",
        (Lang::En, Live) => "Live",
        (Lang::Ko, Reconnecting) => "재연결 중",
        (Lang::En, Reconnecting) => "Reconnecting",
        (Lang::Ko, AutoRefresh) => "자동 새로고침",
        (Lang::En, AutoRefresh) => "Auto refresh",
        (Lang::Ko, Off) => "끔",
        (Lang::En, Off) => "Off",
        (Lang::Ko, Language) => "언어",
        (Lang::En, Language) => "Language",
        (Lang::Ko, ThemeLabel) => "화면 테마",
        (Lang::En, ThemeLabel) => "Theme",
        (Lang::Ko, ThemeSystem) => "시스템",
        (Lang::En, ThemeSystem) => "System",
        (Lang::Ko, ThemeLight) => "라이트",
        (Lang::En, ThemeLight) => "Light",
        (Lang::Ko, ThemeDark) => "다크",
        (Lang::En, ThemeDark) => "Dark",
        (Lang::Ko, TimeZone) => "시간대",
        (Lang::En, TimeZone) => "Time zone",
        (Lang::Ko, Legend) => "범례",
        (Lang::En, Legend) => "Legend",
        (Lang::Ko, NavUsers) => "사용자",
        (Lang::En, NavUsers) => "Users",
        (Lang::Ko, UsersTitle) => "사용자 목록",
        (Lang::En, UsersTitle) => "Users",
        (Lang::Ko, Email) => "이메일",
        (Lang::En, Email) => "E-mail",
        (Lang::Ko, Username) => "사용자명",
        (Lang::En, Username) => "Username",
        (Lang::Ko, UserType) => "유형",
        (Lang::En, UserType) => "Type",
        (Lang::Ko, Country) => "국가",
        (Lang::En, Country) => "Country",
        (Lang::Ko, SignedUp) => "가입일",
        (Lang::En, SignedUp) => "Signed up",
        (Lang::Ko, LastActivity) => "최근 활동",
        (Lang::En, LastActivity) => "Last activity",
        (Lang::Ko, Online) => "접속 중",
        (Lang::En, Online) => "Online",
        (Lang::Ko, ClearFilter) => "필터 해제",
        (Lang::En, ClearFilter) => "Clear filter",
        (Lang::Ko, NoUsersMatch) => "조건에 맞는 사용자가 없습니다.",
        (Lang::En, NoUsersMatch) => "No users match.",
        (Lang::Ko, MainMenu) => "주 메뉴",
        (Lang::En, MainMenu) => "Main menu",
        (Lang::Ko, SkipToContent) => "본문으로 건너뛰기",
        (Lang::En, SkipToContent) => "Skip to content",
        (Lang::Ko, NoChange) => "변화 없음",
        (Lang::En, NoChange) => "No change",
        (Lang::Ko, SignIn) => "로그인",
        (Lang::En, SignIn) => "Sign in",
        (Lang::Ko, SigningIn) => "로그인 중…",
        (Lang::En, SigningIn) => "Signing in…",
        (Lang::Ko, Password) => "비밀번호",
        (Lang::En, Password) => "Password",
        (Lang::Ko, TotpCode) => "인증 코드 (6자리)",
        (Lang::En, TotpCode) => "Authentication code (6 digits)",
        (Lang::Ko, TotpPrompt) => "인증 앱에 표시된 6자리 코드를 입력하세요.",
        (Lang::En, TotpPrompt) => "Enter the 6-digit code from your authenticator app.",
        (Lang::Ko, LoginInvalid) => "이메일 또는 비밀번호가 올바르지 않습니다.",
        (Lang::En, LoginInvalid) => "The e-mail address or password is incorrect.",
        (Lang::Ko, NavAudit) => "감사 로그",
        (Lang::En, NavAudit) => "Audit log",
        (Lang::Ko, NavSettings) => "설정",
        (Lang::En, NavSettings) => "Settings",
        (Lang::Ko, SignOut) => "로그아웃",
        (Lang::En, SignOut) => "Sign out",
        (Lang::Ko, AccountMenu) => "내 계정 메뉴",
        (Lang::En, AccountMenu) => "Account",
        (Lang::Ko, RoleLabel) => "역할",
        (Lang::En, RoleLabel) => "Role",
        (Lang::Ko, RoleViewer) => "뷰어",
        (Lang::En, RoleViewer) => "Viewer",
        (Lang::Ko, RoleEditor) => "편집자",
        (Lang::En, RoleEditor) => "Editor",
        (Lang::Ko, RoleOwner) => "소유자",
        (Lang::En, RoleOwner) => "Owner",
        (Lang::Ko, RoleAdmin) => "관리자",
        (Lang::En, RoleAdmin) => "Admin",
        (Lang::Ko, SettingsTitle) => "설정",
        (Lang::En, SettingsTitle) => "Settings",
        (Lang::Ko, MyAccount) => "내 계정",
        (Lang::En, MyAccount) => "My account",
        (Lang::Ko, ChangePassword) => "비밀번호 변경",
        (Lang::En, ChangePassword) => "Change password",
        (Lang::Ko, CurrentPassword) => "현재 비밀번호",
        (Lang::En, CurrentPassword) => "Current password",
        (Lang::Ko, NewPassword) => "새 비밀번호",
        (Lang::En, NewPassword) => "New password",
        (Lang::Ko, ConfirmPassword) => "새 비밀번호 확인",
        (Lang::En, ConfirmPassword) => "Confirm new password",
        (Lang::Ko, PasswordsDiffer) => "새 비밀번호와 확인이 서로 다릅니다.",
        (Lang::En, PasswordsDiffer) => "The new password and its confirmation differ.",
        (Lang::Ko, PasswordChanged) => "비밀번호를 변경했습니다. 다른 기기의 로그인은 모두 종료되었습니다.",
        (Lang::En, PasswordChanged) => "Password changed. You have been signed out everywhere else.",
        (Lang::Ko, MustChangePassword) => {
            "이 계정의 비밀번호는 처음 시작할 때 만들어진 임시 비밀번호입니다. 다른 화면을 쓰기 전에 새 비밀번호로 바꾸세요."
        }
        (Lang::En, MustChangePassword) => {
            "This account's password was generated at first start. Replace it before using anything else."
        }
        (Lang::Ko, TwoFactor) => "2단계 인증",
        (Lang::En, TwoFactor) => "Two-factor sign-in",
        (Lang::Ko, TotpIsOn) => "사용 중",
        (Lang::En, TotpIsOn) => "On",
        (Lang::Ko, TotpIsOff) => "사용 안 함",
        (Lang::En, TotpIsOff) => "Off",
        (Lang::Ko, TotpOffHint) => "켜면 로그인할 때 비밀번호와 함께 인증 앱의 6자리 코드를 입력해야 합니다.",
        (Lang::En, TotpOffHint) => "When on, signing in asks for a 6-digit code from an authenticator app as well as the password.",
        (Lang::Ko, TotpTurnOn) => "2단계 인증 켜기",
        (Lang::En, TotpTurnOn) => "Turn on two-factor sign-in",
        (Lang::Ko, TotpTurnOff) => "2단계 인증 끄기",
        (Lang::En, TotpTurnOff) => "Turn off two-factor sign-in",
        (Lang::Ko, TotpScan) => "인증 앱으로 QR 코드를 스캔하거나 아래 설정 키를 직접 입력한 뒤, 앱에 표시된 코드를 입력하세요.",
        (Lang::En, TotpScan) => "Scan the QR code with your authenticator app, or type in the setup key below, then enter the code the app shows.",
        (Lang::Ko, TotpQrLabel) => "인증 앱에 등록할 QR 코드",
        (Lang::En, TotpQrLabel) => "QR code to add to your authenticator app",
        (Lang::Ko, TotpSecret) => "설정 키",
        (Lang::En, TotpSecret) => "Setup key",
        (Lang::Ko, TotpDisableHint) => "끄려면 인증 앱에 표시된 현재 코드를 입력하세요.",
        (Lang::En, TotpDisableHint) => "To turn it off, enter the current code from your authenticator app.",
        (Lang::Ko, TotpEnabledDone) => "2단계 인증을 켰습니다.",
        (Lang::En, TotpEnabledDone) => "Two-factor sign-in is on.",
        (Lang::Ko, TotpDisabledDone) => "2단계 인증을 껐습니다.",
        (Lang::En, TotpDisabledDone) => "Two-factor sign-in is off.",
        (Lang::Ko, Confirm) => "확인",
        (Lang::En, Confirm) => "Confirm",
        (Lang::Ko, ApiKeys) => "API 키",
        (Lang::En, ApiKeys) => "API keys",
        (Lang::Ko, KeyName) => "이름",
        (Lang::En, KeyName) => "Name",
        (Lang::Ko, KeyPrefix) => "접두어",
        (Lang::En, KeyPrefix) => "Prefix",
        (Lang::Ko, Scopes) => "추가 권한",
        (Lang::En, Scopes) => "Scopes",
        (Lang::Ko, Created) => "생성",
        (Lang::En, Created) => "Created",
        (Lang::Ko, LastUsed) => "최근 사용",
        (Lang::En, LastUsed) => "Last used",
        (Lang::Ko, Expires) => "만료",
        (Lang::En, Expires) => "Expires",
        (Lang::Ko, Status) => "상태",
        (Lang::En, Status) => "Status",
        (Lang::Ko, KeyActive) => "사용 중",
        (Lang::En, KeyActive) => "Active",
        (Lang::Ko, KeyExpired) => "만료됨",
        (Lang::En, KeyExpired) => "Expired",
        (Lang::Ko, KeyRevoked) => "폐기됨",
        (Lang::En, KeyRevoked) => "Revoked",
        (Lang::Ko, Revoke) => "폐기",
        (Lang::En, Revoke) => "Revoke",
        (Lang::Ko, RevokeConfirm) => "이 API 키를 폐기할까요? 이 키를 쓰는 클라이언트는 즉시 접근할 수 없게 됩니다.",
        (Lang::En, RevokeConfirm) => "Revoke this API key? Clients using it lose access at once.",
        (Lang::Ko, CreateApiKey) => "API 키 만들기",
        (Lang::En, CreateApiKey) => "Create API key",
        (Lang::Ko, ScopeIngest) => "이벤트 수집 허용",
        (Lang::En, ScopeIngest) => "May post events",
        (Lang::Ko, ValidDays) => "유효 기간(일)",
        (Lang::En, ValidDays) => "Valid for (days)",
        (Lang::Ko, NewApiKey) => "새 API 키",
        (Lang::En, NewApiKey) => "New API key",
        (Lang::Ko, NewKeyOnce) => "이 키는 지금 한 번만 표시됩니다. 다시 볼 수 없으니 안전한 곳에 저장하세요.",
        (Lang::En, NewKeyOnce) => "This key is shown only now and cannot be shown again. Store it somewhere safe.",
        (Lang::Ko, NoApiKeys) => "아직 API 키가 없습니다.",
        (Lang::En, NoApiKeys) => "No API keys yet.",
        (Lang::Ko, Never) => "없음",
        (Lang::En, Never) => "Never",
        (Lang::Ko, Actions) => "관리",
        (Lang::En, Actions) => "Actions",
        (Lang::Ko, Accounts) => "계정",
        (Lang::En, Accounts) => "Accounts",
        (Lang::Ko, LastLogin) => "최근 로그인",
        (Lang::En, LastLogin) => "Last login",
        (Lang::Ko, AccountActive) => "활성",
        (Lang::En, AccountActive) => "Active",
        (Lang::Ko, AccountDisabled) => "비활성",
        (Lang::En, AccountDisabled) => "Disabled",
        (Lang::Ko, Disable) => "비활성화",
        (Lang::En, Disable) => "Disable",
        (Lang::Ko, Enable) => "활성화",
        (Lang::En, Enable) => "Enable",
        (Lang::Ko, CreateAccount) => "계정 만들기",
        (Lang::En, CreateAccount) => "Create account",
        (Lang::Ko, FirstPassword) => "초기 비밀번호",
        (Lang::En, FirstPassword) => "First password",
        (Lang::Ko, AccountCreated) => "계정을 만들었습니다.",
        (Lang::En, AccountCreated) => "Account created.",
        (Lang::Ko, You) => "(나)",
        (Lang::En, You) => "(you)",
        (Lang::Ko, AuditTitle) => "감사 로그",
        (Lang::En, AuditTitle) => "Audit log",
        (Lang::Ko, AuditNewestFirst) => "최근 기록부터 표시",
        (Lang::En, AuditNewestFirst) => "Newest records first",
        (Lang::Ko, Time) => "시각",
        (Lang::En, Time) => "Time",
        (Lang::Ko, Actor) => "수행자",
        (Lang::En, Actor) => "Actor",
        (Lang::Ko, Action) => "작업",
        (Lang::En, Action) => "Action",
        (Lang::Ko, Target) => "대상",
        (Lang::En, Target) => "Target",
        (Lang::Ko, Outcome) => "결과",
        (Lang::En, Outcome) => "Outcome",
        (Lang::Ko, IpAddress) => "IP 주소",
        (Lang::En, IpAddress) => "IP address",
        (Lang::Ko, OutcomeAll) => "전체",
        (Lang::En, OutcomeAll) => "All",
        (Lang::Ko, OutcomeSuccess) => "성공",
        (Lang::En, OutcomeSuccess) => "Success",
        (Lang::Ko, OutcomeFailure) => "실패",
        (Lang::En, OutcomeFailure) => "Failure",
        (Lang::Ko, ActionPrefixHint) => "'auth.'처럼 점으로 끝나면 그 접두어로 시작하는 작업을 모두 찾습니다.",
        (Lang::En, ActionPrefixHint) => "Ending in a dot ('auth.') finds every action that starts with it.",
        (Lang::Ko, Filter) => "필터 적용",
        (Lang::En, Filter) => "Filter",
        (Lang::Ko, OlderEntries) => "이전 기록",
        (Lang::En, OlderEntries) => "Older entries",
        (Lang::Ko, NewestEntries) => "최신 기록으로",
        (Lang::En, NewestEntries) => "Newest entries",
        (Lang::Ko, NoAuditEntries) => "조건에 맞는 기록이 없습니다.",
        (Lang::En, NoAuditEntries) => "No records match.",
        (Lang::Ko, NavActivities) => "활동",
        (Lang::En, NavActivities) => "Activities",
        (Lang::Ko, NavProblems) => "문제 은행",
        (Lang::En, NavProblems) => "Problems",
        (Lang::Ko, Filters) => "필터",
        (Lang::En, Filters) => "Filters",
        (Lang::Ko, Search) => "검색",
        (Lang::En, Search) => "Search",
        (Lang::Ko, SearchUsersHint) => "이메일 또는 사용자명의 앞부분",
        (Lang::En, SearchUsersHint) => "The start of an e-mail or username",
        (Lang::Ko, All) => "전체",
        (Lang::En, All) => "All",
        (Lang::Ko, OnlineStatus) => "접속 상태",
        (Lang::En, OnlineStatus) => "Online status",
        (Lang::Ko, Offline) => "미접속",
        (Lang::En, Offline) => "Offline",
        (Lang::Ko, CountryHint) => "두 글자 국가 코드 (예: KR)",
        (Lang::En, CountryHint) => "Two-letter country code (KR)",
        (Lang::Ko, SignedUpFrom) => "가입일 (부터)",
        (Lang::En, SignedUpFrom) => "Signed up from",
        (Lang::Ko, SignedUpTo) => "가입일 (까지)",
        (Lang::En, SignedUpTo) => "Signed up to",
        (Lang::Ko, SortBy) => "정렬 기준",
        (Lang::En, SortBy) => "Sort by",
        (Lang::Ko, SortOrder) => "순서",
        (Lang::En, SortOrder) => "Order",
        (Lang::Ko, Descending) => "내림차순",
        (Lang::En, Descending) => "Descending",
        (Lang::Ko, Ascending) => "오름차순",
        (Lang::En, Ascending) => "Ascending",
        (Lang::Ko, ClearFilters) => "필터 초기화",
        (Lang::En, ClearFilters) => "Clear filters",
        (Lang::Ko, ExportCsv) => "CSV 내보내기",
        (Lang::En, ExportCsv) => "Export CSV",
        (Lang::Ko, NextPage) => "다음 페이지",
        (Lang::En, NextPage) => "Next page",
        (Lang::Ko, FirstPage) => "첫 페이지",
        (Lang::En, FirstPage) => "First page",
        (Lang::Ko, Paging) => "페이지 이동",
        (Lang::En, Paging) => "Pages",
        (Lang::Ko, UserDetailTitle) => "사용자 정보",
        (Lang::En, UserDetailTitle) => "User",
        (Lang::Ko, UserId) => "사용자 ID",
        (Lang::En, UserId) => "User ID",
        (Lang::Ko, ActivityCount) => "활동 수",
        (Lang::En, ActivityCount) => "Activities",
        (Lang::Ko, Metadata) => "메타데이터",
        (Lang::En, Metadata) => "Metadata",
        (Lang::Ko, Yes) => "예",
        (Lang::En, Yes) => "Yes",
        (Lang::Ko, No) => "아니요",
        (Lang::En, No) => "No",
        (Lang::Ko, Save) => "저장",
        (Lang::En, Save) => "Save",
        (Lang::Ko, Saved) => "저장했습니다.",
        (Lang::En, Saved) => "Saved.",
        (Lang::Ko, ChangeUserType) => "유형 변경",
        (Lang::En, ChangeUserType) => "Change type",
        (Lang::Ko, ActivityTimeline) => "활동 기록",
        (Lang::En, ActivityTimeline) => "Activity timeline",
        (Lang::Ko, LoadMore) => "더 보기",
        (Lang::En, LoadMore) => "Load more",
        (Lang::Ko, BackToUsers) => "사용자 목록으로",
        (Lang::En, BackToUsers) => "Back to users",
        (Lang::Ko, ActivitiesTitle) => "활동 목록",
        (Lang::En, ActivitiesTitle) => "Activities",
        (Lang::Ko, ActivityType) => "활동 유형",
        (Lang::En, ActivityType) => "Activity type",
        (Lang::Ko, Description) => "설명",
        (Lang::En, Description) => "Description",
        (Lang::Ko, NoActivitiesMatch) => "조건에 맞는 활동이 없습니다.",
        (Lang::En, NoActivitiesMatch) => "No activities match.",
        (Lang::Ko, ProblemsTitle) => "문제 은행",
        (Lang::En, ProblemsTitle) => "Problem bank",
        (Lang::Ko, ProblemTitle) => "제목",
        (Lang::En, ProblemTitle) => "Title",
        (Lang::Ko, ProblemContent) => "내용",
        (Lang::En, ProblemContent) => "Content",
        (Lang::Ko, ProblemAnswer) => "정답",
        (Lang::En, ProblemAnswer) => "Answer",
        (Lang::Ko, Subject) => "과목",
        (Lang::En, Subject) => "Subject",
        (Lang::Ko, Difficulty) => "난이도",
        (Lang::En, Difficulty) => "Difficulty",
        (Lang::Ko, NotSet) => "지정 안 함",
        (Lang::En, NotSet) => "Not set",
        (Lang::Ko, StatusActive) => "활성",
        (Lang::En, StatusActive) => "Active",
        (Lang::Ko, StatusInactive) => "비활성",
        (Lang::En, StatusInactive) => "Inactive",
        (Lang::Ko, StatusDraft) => "초안",
        (Lang::En, StatusDraft) => "Draft",
        (Lang::Ko, Archived) => "보관됨",
        (Lang::En, Archived) => "Archived",
        (Lang::Ko, ShowArchived) => "보관된 문제",
        (Lang::En, ShowArchived) => "Archived problems",
        (Lang::Ko, Views) => "조회",
        (Lang::En, Views) => "Views",
        (Lang::Ko, Attempts) => "시도",
        (Lang::En, Attempts) => "Attempts",
        (Lang::Ko, Solves) => "풀이",
        (Lang::En, Solves) => "Solves",
        (Lang::Ko, SolveRate) => "정답률",
        (Lang::En, SolveRate) => "Solve rate",
        (Lang::Ko, Updated) => "수정",
        (Lang::En, Updated) => "Updated",
        (Lang::Ko, Id) => "ID",
        (Lang::En, Id) => "ID",
        (Lang::Ko, NewProblem) => "새 문제",
        (Lang::En, NewProblem) => "New problem",
        (Lang::Ko, CreateProblem) => "문제 만들기",
        (Lang::En, CreateProblem) => "Create problem",
        (Lang::Ko, SelectAllOnPage) => "이 페이지의 문제 모두 선택",
        (Lang::En, SelectAllOnPage) => "Select every problem on this page",
        (Lang::Ko, NewStatus) => "바꿀 상태",
        (Lang::En, NewStatus) => "New status",
        (Lang::Ko, ApplyToSelected) => "선택한 문제에 적용",
        (Lang::En, ApplyToSelected) => "Apply to selected",
        (Lang::Ko, BulkChange) => "일괄 변경",
        (Lang::En, BulkChange) => "Bulk change",
        (Lang::Ko, Archive) => "보관",
        (Lang::En, Archive) => "Archive",
        (Lang::Ko, Restore) => "복원",
        (Lang::En, Restore) => "Restore",
        (Lang::Ko, ProblemStatsTitle) => "풀이 통계",
        (Lang::En, ProblemStatsTitle) => "Usage",
        (Lang::Ko, NoProblemsMatch) => "조건에 맞는 문제가 없습니다.",
        (Lang::En, NoProblemsMatch) => "No problems match.",
        (Lang::Ko, BackToProblems) => "문제 목록으로",
        (Lang::En, BackToProblems) => "Back to problems",
        (Lang::Ko, TitleLengthHint) => "1–200자",
        (Lang::En, TitleLengthHint) => "1–200 characters",
        (Lang::Ko, NavReports) => "리포트",
        (Lang::En, NavReports) => "Reports",
        (Lang::Ko, ReportsTitle) => "정기 리포트",
        (Lang::En, ReportsTitle) => "Scheduled reports",
        (Lang::Ko, Templates) => "템플릿",
        (Lang::En, Templates) => "Templates",
        (Lang::Ko, TemplatesTitle) => "리포트 템플릿",
        (Lang::En, TemplatesTitle) => "Report templates",
        (Lang::Ko, NewReport) => "새 리포트",
        (Lang::En, NewReport) => "New report",
        (Lang::Ko, CreateReport) => "리포트 만들기",
        (Lang::En, CreateReport) => "Create report",
        (Lang::Ko, NewTemplate) => "새 템플릿",
        (Lang::En, NewTemplate) => "New template",
        (Lang::Ko, CreateTemplate) => "템플릿 만들기",
        (Lang::En, CreateTemplate) => "Create template",
        (Lang::Ko, BackToReports) => "리포트 목록으로",
        (Lang::En, BackToReports) => "Back to reports",
        (Lang::Ko, BackToTemplates) => "템플릿 목록으로",
        (Lang::En, BackToTemplates) => "Back to templates",
        (Lang::Ko, Name) => "이름",
        (Lang::En, Name) => "Name",
        (Lang::Ko, Template) => "템플릿",
        (Lang::En, Template) => "Template",
        (Lang::Ko, Schedule) => "일정",
        (Lang::En, Schedule) => "Schedule",
        (Lang::Ko, NextRun) => "다음 실행",
        (Lang::En, NextRun) => "Next run",
        (Lang::Ko, LastRun) => "최근 실행",
        (Lang::En, LastRun) => "Last run",
        (Lang::Ko, StatusPaused) => "일시 중지",
        (Lang::En, StatusPaused) => "Paused",
        (Lang::Ko, Pause) => "일시 중지",
        (Lang::En, Pause) => "Pause",
        (Lang::Ko, Resume) => "재개",
        (Lang::En, Resume) => "Resume",
        (Lang::Ko, Clone) => "복제",
        (Lang::En, Clone) => "Clone",
        (Lang::Ko, Delete) => "삭제",
        (Lang::En, Delete) => "Delete",
        (Lang::Ko, DeleteConfirm) => "정말 삭제할까요?",
        (Lang::En, DeleteConfirm) => "Delete for good?",
        (Lang::Ko, Cancel) => "취소",
        (Lang::En, Cancel) => "Cancel",
        (Lang::Ko, Cloned) => "복제본을 만들었습니다.",
        (Lang::En, Cloned) => "Copy made.",
        (Lang::Ko, NoReportsMatch) => "조건에 맞는 리포트가 없습니다.",
        (Lang::En, NoReportsMatch) => "No reports match.",
        (Lang::Ko, NoTemplatesYet) => "아직 템플릿이 없습니다.",
        (Lang::En, NoTemplatesYet) => "No templates yet.",
        (Lang::Ko, BuiltIn) => "기본 제공",
        (Lang::En, BuiltIn) => "Built-in",
        (Lang::Ko, BuiltinTemplateReadOnly) => "기본 제공 템플릿은 바꿀 수 없습니다. 복제한 뒤 복사본을 고치세요.",
        (Lang::En, BuiltinTemplateReadOnly) => "Built-in templates cannot be changed: clone one and edit the copy.",
        (Lang::Ko, BuiltinReportNoDelete) => "기본 제공 리포트는 삭제할 수 없습니다. 필요 없으면 일시 중지하세요.",
        (Lang::En, BuiltinReportNoDelete) => "Built-in reports cannot be deleted: pause one you do not need.",
        (Lang::Ko, Period) => "집계 기간",
        (Lang::En, Period) => "Period",
        (Lang::Ko, PeriodFromTemplate) => "템플릿 기본값",
        (Lang::En, PeriodFromTemplate) => "Template's default",
        (Lang::Ko, PeriodDays) => "일수",
        (Lang::En, PeriodDays) => "Days",
        (Lang::Ko, CronPattern) => "실행 주기 (cron)",
        (Lang::En, CronPattern) => "Schedule (cron)",
        (Lang::Ko, CronHint) => "분 시 일 월 요일 — 예: 0 10 * * 1-5 (평일 10:00), 15분보다 잦을 수 없음",
        (Lang::En, CronHint) => "minute hour day month weekday — e.g. 0 10 * * 1-5 (weekdays at 10:00); at most every 15 minutes",
        (Lang::Ko, TimezoneHint) => "IANA 시간대 (예: Asia/Seoul)",
        (Lang::En, TimezoneHint) => "IANA time zone (e.g. Asia/Seoul)",
        (Lang::Ko, NextRuns) => "다음 실행 예정",
        (Lang::En, NextRuns) => "Next runs",
        (Lang::Ko, SchedulePending) => "입력을 멈추면 다음 실행 시각을 보여 줍니다.",
        (Lang::En, SchedulePending) => "The next runs show once you stop typing.",
        (Lang::Ko, FiguresZone) => "집계 기준 시간대",
        (Lang::En, FiguresZone) => "Figures counted in",
        (Lang::Ko, ReportLanguage) => "리포트 언어",
        (Lang::En, ReportLanguage) => "Report language",
        (Lang::Ko, Formats) => "출력 형식",
        (Lang::En, Formats) => "Formats",
        (Lang::Ko, Destinations) => "전송 채널",
        (Lang::En, Destinations) => "Destinations",
        (Lang::Ko, NoChannelsYet) => "아직 채널이 없습니다.",
        (Lang::En, NoChannelsYet) => "No channels yet.",
        (Lang::Ko, DestinationsHint) => "체크를 해제한 채널은 저장할 때 빠집니다. 활성 리포트에는 채널이 하나 이상 있어야 합니다.",
        (Lang::En, DestinationsHint) => "Unticked channels are removed on save. An active report needs at least one.",
        (Lang::Ko, Category) => "분류",
        (Lang::En, Category) => "Category",
        (Lang::Ko, Sections) => "섹션",
        (Lang::En, Sections) => "Sections",
        (Lang::Ko, UsedBy) => "사용 중인 리포트",
        (Lang::En, UsedBy) => "Used by",
        (Lang::Ko, AddSection) => "섹션 추가",
        (Lang::En, AddSection) => "Add section",
        (Lang::Ko, SectionKind) => "섹션 종류",
        (Lang::En, SectionKind) => "Section kind",
        (Lang::Ko, MoveUp) => "위로",
        (Lang::En, MoveUp) => "Move up",
        (Lang::Ko, MoveDown) => "아래로",
        (Lang::En, MoveDown) => "Move down",
        (Lang::Ko, Remove) => "빼기",
        (Lang::En, Remove) => "Remove",
        (Lang::Ko, NoSectionsYet) => "섹션이 없습니다. 아래에서 하나 이상 추가하세요.",
        (Lang::En, NoSectionsYet) => "No sections yet: add at least one below.",
        (Lang::Ko, ChartKind) => "차트",
        (Lang::En, ChartKind) => "Chart",
        (Lang::Ko, RowLimit) => "표시 개수",
        (Lang::En, RowLimit) => "Rows shown",
        (Lang::Ko, Metrics) => "비교 지표",
        (Lang::En, Metrics) => "Figures compared",
        (Lang::Ko, AllMetricsHint) => "하나도 고르지 않으면 저장할 수 없습니다.",
        (Lang::En, AllMetricsHint) => "Pick at least one.",
        (Lang::Ko, LookbackDays) => "기준 기간 (일, 7–90)",
        (Lang::En, LookbackDays) => "Baseline (days, 7–90)",
        (Lang::Ko, MinZ) => "이상치 기준 (표준편차, 1.5–10)",
        (Lang::En, MinZ) => "Unusual from (std. deviations, 1.5–10)",
        (Lang::Ko, SectionHeading) => "제목",
        (Lang::En, SectionHeading) => "Heading",
        (Lang::Ko, SectionBody) => "본문",
        (Lang::En, SectionBody) => "Body",
        (Lang::Ko, SectionBodyHint) => "일반 텍스트, '- '로 시작하는 줄은 글머리표",
        (Lang::En, SectionBodyHint) => "Plain text; lines starting with '- ' are bullets",
        (Lang::Ko, DefaultHint) => "비워 두면 기본값",
        (Lang::En, DefaultHint) => "Empty for the default",
        (Lang::Ko, KindStatSummary) => "주요 지표 요약",
        (Lang::En, KindStatSummary) => "Key figures",
        (Lang::Ko, KindChart) => "차트",
        (Lang::En, KindChart) => "Chart",
        (Lang::Ko, KindTopCountries) => "상위 국가",
        (Lang::En, KindTopCountries) => "Top countries",
        (Lang::Ko, KindProblemBank) => "문제 은행",
        (Lang::En, KindProblemBank) => "Problem bank",
        (Lang::Ko, KindComparison) => "이전 기간 비교",
        (Lang::En, KindComparison) => "Comparison with the previous period",
        (Lang::Ko, KindAnomalies) => "이상치",
        (Lang::En, KindAnomalies) => "Anomalies",
        (Lang::Ko, KindText) => "텍스트",
        (Lang::En, KindText) => "Text",
        (Lang::Ko, MetricActiveUsers) => "활성 사용자",
        (Lang::En, MetricActiveUsers) => "Active users",
        (Lang::Ko, MetricActivities) => "활동",
        (Lang::En, MetricActivities) => "Activities",
        (Lang::Ko, MetricNewProblems) => "새 문제",
        (Lang::En, MetricNewProblems) => "New problems",
        (Lang::Ko, PeriodYesterday) => "어제",
        (Lang::En, PeriodYesterday) => "Yesterday",
        (Lang::Ko, PeriodLast7Days) => "최근 7일",
        (Lang::En, PeriodLast7Days) => "Last 7 days",
        (Lang::Ko, PeriodLastWeek) => "지난주 (월–일)",
        (Lang::En, PeriodLastWeek) => "Last week (Mon–Sun)",
        (Lang::Ko, PeriodLastMonth) => "지난달",
        (Lang::En, PeriodLastMonth) => "Last month",
        (Lang::Ko, PeriodLastNDays) => "최근 N일",
        (Lang::En, PeriodLastNDays) => "Last N days",
        (Lang::Ko, PeriodFixed) => "날짜 지정",
        (Lang::En, PeriodFixed) => "Fixed dates",
        (Lang::Ko, CategoryDaily) => "일간",
        (Lang::En, CategoryDaily) => "Daily",
        (Lang::Ko, CategoryWeekly) => "주간",
        (Lang::En, CategoryWeekly) => "Weekly",
        (Lang::Ko, CategoryMonthly) => "월간",
        (Lang::En, CategoryMonthly) => "Monthly",
        (Lang::Ko, CategoryCustom) => "사용자 정의",
        (Lang::En, CategoryCustom) => "Custom",
        (Lang::Ko, RunPending) => "대기",
        (Lang::En, RunPending) => "Pending",
        (Lang::Ko, RunRunning) => "실행 중",
        (Lang::En, RunRunning) => "Running",
        (Lang::Ko, RunCompleted) => "완료",
        (Lang::En, RunCompleted) => "Completed",
        (Lang::Ko, RunFailed) => "실패",
        (Lang::En, RunFailed) => "Failed",
        (Lang::Ko, NotRunYet) => "아직 실행 안 됨",
        (Lang::En, NotRunYet) => "Not run yet",
        (Lang::Ko, RunsTitle) => "실행 기록",
        (Lang::En, RunsTitle) => "Run history",
        (Lang::Ko, AllRuns) => "전체 실행 기록",
        (Lang::En, AllRuns) => "All runs",
        (Lang::Ko, RunNow) => "지금 실행",
        (Lang::En, RunNow) => "Run now",
        (Lang::Ko, RunRequested) => "실행을 시작했습니다. 진행 상황이 아래에 표시됩니다.",
        (Lang::En, RunRequested) => "The run has started; its progress shows below.",
        (Lang::Ko, NoRunsYet) => "아직 실행 기록이 없습니다.",
        (Lang::En, NoRunsYet) => "No runs yet.",
        (Lang::Ko, ColRun) => "실행",
        (Lang::En, ColRun) => "Run",
        (Lang::Ko, ColTrigger) => "실행 방식",
        (Lang::En, ColTrigger) => "Trigger",
        (Lang::Ko, ColStarted) => "시작",
        (Lang::En, ColStarted) => "Started",
        (Lang::Ko, ColDuration) => "소요 시간",
        (Lang::En, ColDuration) => "Duration",
        (Lang::Ko, ColOutputs) => "결과물",
        (Lang::En, ColOutputs) => "Outputs",
        (Lang::Ko, ColTraceId) => "추적 ID",
        (Lang::En, ColTraceId) => "Trace id",
        (Lang::Ko, TriggerSchedule) => "예약",
        (Lang::En, TriggerSchedule) => "Schedule",
        (Lang::Ko, TriggerManual) => "수동",
        (Lang::En, TriggerManual) => "Run now",
        (Lang::Ko, TriggerApi) => "API",
        (Lang::En, TriggerApi) => "API",
        (Lang::Ko, RunNote) => "메모",
        (Lang::En, RunNote) => "Note",
        (Lang::Ko, ChooseTemplate) => "템플릿 선택",
        (Lang::En, ChooseTemplate) => "Choose a template",
        (Lang::Ko, ChannelsTitle) => "전송 채널",
        (Lang::En, ChannelsTitle) => "Delivery channels",
        (Lang::Ko, ChannelsIntro) => "리포트를 보낼 곳(웹훅, Slack, 이메일)과 채널마다의 전송 기록입니다.",
        (Lang::En, ChannelsIntro) => "Where reports are sent (webhooks, Slack, e-mail), with each channel's delivery log.",
        (Lang::Ko, ManageChannels) => "채널 관리",
        (Lang::En, ManageChannels) => "Manage channels",
        (Lang::Ko, NewChannel) => "새 채널",
        (Lang::En, NewChannel) => "New channel",
        (Lang::Ko, CreateChannel) => "채널 만들기",
        (Lang::En, CreateChannel) => "Create channel",
        (Lang::Ko, BackToChannels) => "채널 목록으로",
        (Lang::En, BackToChannels) => "Back to channels",
        (Lang::Ko, BackToSettings) => "설정으로",
        (Lang::En, BackToSettings) => "Back to settings",
        (Lang::Ko, ChannelKind) => "종류",
        (Lang::En, ChannelKind) => "Kind",
        (Lang::Ko, KindWebhook) => "웹훅",
        (Lang::En, KindWebhook) => "Webhook",
        (_, KindSlack) => "Slack",
        (Lang::Ko, KindEmail) => "이메일",
        (Lang::En, KindEmail) => "E-mail",
        (Lang::Ko, NotUsed) => "사용하는 리포트 없음",
        (Lang::En, NotUsed) => "Not used",
        (_, ChannelUrl) => "URL",
        (Lang::Ko, ChannelUrlHint) => "https:// 주소. 비밀로 보관되어 저장한 뒤에는 다시 보여 주지 않습니다.",
        (Lang::En, ChannelUrlHint) => "An https:// address. Kept secret: never shown again once saved.",
        (Lang::Ko, SmtpHost) => "SMTP 서버",
        (Lang::En, SmtpHost) => "SMTP host",
        (Lang::Ko, SmtpPort) => "포트",
        (Lang::En, SmtpPort) => "Port",
        (Lang::Ko, SmtpTls) => "보안 연결",
        (Lang::En, SmtpTls) => "Security",
        (Lang::Ko, TlsNone) => "없음 (암호화 안 함)",
        (Lang::En, TlsNone) => "None (unencrypted)",
        (Lang::Ko, KeepPassword) => "비워 두면 저장된 비밀번호를 그대로 씁니다.",
        (Lang::En, KeepPassword) => "Leave empty to keep the stored password.",
        (Lang::Ko, NoPasswordStored) => "저장된 비밀번호가 없습니다. 서버가 요구하지 않으면 비워 두세요.",
        (Lang::En, NoPasswordStored) => "No password stored; leave empty if the server needs none.",
        (Lang::Ko, MailFrom) => "보내는 사람",
        (Lang::En, MailFrom) => "From",
        (Lang::Ko, MailFromHint) => "주소, 또는 이름 <주소>",
        (Lang::En, MailFromHint) => "An address, or Name <address>",
        (Lang::Ko, Recipients) => "받는 사람",
        (Lang::En, Recipients) => "Recipients",
        (Lang::Ko, SigningSecret) => "서명 비밀 키",
        (Lang::En, SigningSecret) => "Signing secret",
        (Lang::Ko, SigningSecretOnce) => "지금 한 번만 표시되며 다시 볼 수 없습니다. 지금 복사해 수신 서버에 저장하세요.",
        (Lang::En, SigningSecretOnce) => "Shown only now: it won't be shown again. Copy it to your receiver now.",
        (Lang::Ko, SigningSecretUse) => "수신 서버는 이 키로 webhook-signature 헤더를 검증합니다 (Standard Webhooks).",
        (Lang::En, SigningSecretUse) => "Receivers check the webhook-signature header with it (Standard Webhooks).",
        (Lang::Ko, Copy) => "복사",
        (Lang::En, Copy) => "Copy",
        (Lang::Ko, Copied) => "복사했습니다.",
        (Lang::En, Copied) => "Copied.",
        (Lang::Ko, CopyFailed) => "복사하지 못했습니다. 키를 직접 선택해 복사하세요.",
        (Lang::En, CopyFailed) => "Could not copy: select the key and copy it yourself.",
        (Lang::Ko, Signing) => "서명",
        (Lang::En, Signing) => "Signing",
        (Lang::Ko, SigningOn) => "서명함 (whsec_…)",
        (Lang::En, SigningOn) => "Signed (whsec_…)",
        (Lang::Ko, SigningOff) => "서명 안 함",
        (Lang::En, SigningOff) => "Not signed",
        (Lang::Ko, RotateSecret) => "서명 키 교체",
        (Lang::En, RotateSecret) => "Rotate signing secret",
        (Lang::Ko, RotateConfirm) => "지금 키는 바로 쓸 수 없게 됩니다. 교체할까요?",
        (Lang::En, RotateConfirm) => "The current secret stops working at once. Rotate it?",
        (Lang::Ko, Rotate) => "교체",
        (Lang::En, Rotate) => "Rotate",
        (Lang::Ko, SendTest) => "테스트 보내기",
        (Lang::En, SendTest) => "Send a test",
        (Lang::Ko, DeliveriesTitle) => "전송 기록",
        (Lang::En, DeliveriesTitle) => "Delivery log",
        (Lang::Ko, NoDeliveriesYet) => "아직 전송 기록이 없습니다.",
        (Lang::En, NoDeliveriesYet) => "No deliveries yet.",
        (Lang::Ko, ColSubject) => "보낸 것",
        (Lang::En, ColSubject) => "Subject",
        (Lang::Ko, ColDelivered) => "전송 완료",
        (Lang::En, ColDelivered) => "Delivered",
        (Lang::Ko, ColStatusCode) => "HTTP 상태",
        (Lang::En, ColStatusCode) => "HTTP status",
        (Lang::Ko, ColLastError) => "마지막 오류",
        (Lang::En, ColLastError) => "Last error",
        (Lang::Ko, ColAttempt) => "회차",
        (Lang::En, ColAttempt) => "Attempt",
        (Lang::Ko, ColInstance) => "인스턴스",
        (Lang::En, ColInstance) => "Instance",
        (Lang::Ko, ColError) => "오류",
        (Lang::En, ColError) => "Error",
        (Lang::Ko, ColResponse) => "응답 앞부분",
        (Lang::En, ColResponse) => "Response (start)",
        (Lang::Ko, DeliveryDelivered) => "전송됨",
        (Lang::En, DeliveryDelivered) => "Delivered",
        (Lang::Ko, DeliverySending) => "전송 중",
        (Lang::En, DeliverySending) => "Sending",
        (Lang::Ko, OutcomeRetry) => "재시도 예정",
        (Lang::En, OutcomeRetry) => "Will retry",
        (Lang::Ko, OutcomeLost) => "유실 (작업 중단)",
        (Lang::En, OutcomeLost) => "Lost (worker stopped)",
        (Lang::Ko, SubjectReportRun) => "리포트 실행",
        (Lang::En, SubjectReportRun) => "Report run",
        (Lang::Ko, SubjectTest) => "테스트",
        (Lang::En, SubjectTest) => "Test",
        (Lang::Ko, SubjectAlert) => "알림",
        (Lang::En, SubjectAlert) => "Alert",
        (Lang::Ko, NextAttempt) => "다음 시도",
        (Lang::En, NextAttempt) => "Next attempt",
        (Lang::Ko, SecretsUnreadable) => "저장된 비밀 정보를 읽을 수 없습니다. URL(이메일은 비밀번호)을 다시 입력해 저장하세요.",
        (Lang::En, SecretsUnreadable) => "The stored secrets cannot be read: enter the URL (for e-mail, the password) again and save.",
        (Lang::Ko, CreatedBy) => "만든 사람",
        (Lang::En, CreatedBy) => "Created by",
        (Lang::Ko, ChannelSettings) => "채널 설정",
        (Lang::En, ChannelSettings) => "Channel settings",
        (Lang::Ko, CannotDelete) => "삭제할 수 없습니다",
        (Lang::En, CannotDelete) => "Cannot delete",
        (Lang::Ko, PortRange) => "1–65535 사이의 숫자여야 합니다.",
        (Lang::En, PortRange) => "Must be a number from 1 to 65535.",
        (Lang::Ko, RemovePassword) => "저장된 비밀번호 지우기",
        (Lang::En, RemovePassword) => "Remove the stored password",
        (Lang::Ko, NavAlerts) => "경보",
        (Lang::En, NavAlerts) => "Alerts",
        (Lang::Ko, AlertsTitle) => "경보",
        (Lang::En, AlertsTitle) => "Alerts",
        (Lang::Ko, AlertsIntro) => "지표가 임계값을 넘으면 알려 주는 규칙과 그 기록입니다.",
        (Lang::En, AlertsIntro) => "Rules that notify when a figure crosses a threshold, and what they did.",
        (Lang::Ko, AlertRules) => "경보 규칙",
        (Lang::En, AlertRules) => "Alert rules",
        (Lang::Ko, AlertHistory) => "경보 기록",
        (Lang::En, AlertHistory) => "Alert history",
        (Lang::Ko, NewAlertRule) => "새 경보 규칙",
        (Lang::En, NewAlertRule) => "New alert rule",
        (Lang::Ko, CreateAlertRule) => "경보 규칙 만들기",
        (Lang::En, CreateAlertRule) => "Create alert rule",
        (Lang::Ko, BackToAlerts) => "경보 목록으로",
        (Lang::En, BackToAlerts) => "Back to alerts",
        (Lang::Ko, NoAlertRulesYet) => "아직 경보 규칙이 없습니다.",
        (Lang::En, NoAlertRulesYet) => "No alert rules yet.",
        (Lang::Ko, NoAlertEventsYet) => "아직 경보 기록이 없습니다.",
        (Lang::En, NoAlertEventsYet) => "No alert history yet.",
        (Lang::Ko, AlertRuleSettings) => "규칙 설정",
        (Lang::En, AlertRuleSettings) => "Rule settings",
        (Lang::Ko, CurrentValue) => "현재 값",
        (Lang::En, CurrentValue) => "Value now",
        (Lang::Ko, Condition) => "조건",
        (Lang::En, Condition) => "Condition",
        (Lang::Ko, LastEvaluated) => "마지막 평가",
        (Lang::En, LastEvaluated) => "Last evaluated",
        (Lang::Ko, Trend) => "추이",
        (Lang::En, Trend) => "Trend",
        (Lang::Ko, Severity) => "심각도",
        (Lang::En, Severity) => "Severity",
        (Lang::Ko, RuleColumn) => "규칙",
        (Lang::En, RuleColumn) => "Rule",
        (Lang::Ko, EventColumn) => "이벤트",
        (Lang::En, EventColumn) => "Event",
        (Lang::Ko, ValueColumn) => "값",
        (Lang::En, ValueColumn) => "Value",
        (Lang::Ko, MessageColumn) => "메시지",
        (Lang::En, MessageColumn) => "Message",
        (Lang::Ko, Silenced) => "무음",
        (Lang::En, Silenced) => "Silenced",
        (Lang::Ko, StateNormal) => "정상",
        (Lang::En, StateNormal) => "Normal",
        (Lang::Ko, StatePending) => "대기",
        (Lang::En, StatePending) => "Pending",
        (Lang::Ko, StateFiring) => "발생",
        (Lang::En, StateFiring) => "Firing",
        (Lang::Ko, EventRepeat) => "재알림",
        (Lang::En, EventRepeat) => "Repeated",
        (Lang::Ko, EventResolved) => "해결",
        (Lang::En, EventResolved) => "Resolved",
        (Lang::Ko, EventCleared) => "취소 (발생 전 회복)",
        (Lang::En, EventCleared) => "Cleared (recovered before firing)",
        (Lang::Ko, SeverityInfo) => "정보",
        (Lang::En, SeverityInfo) => "Info",
        (Lang::Ko, SeverityWarning) => "경고",
        (Lang::En, SeverityWarning) => "Warning",
        (Lang::Ko, SeverityCritical) => "심각",
        (Lang::En, SeverityCritical) => "Critical",
        (Lang::Ko, MetricUsersOnline) => "현재 접속자 수",
        (Lang::En, MetricUsersOnline) => "Users online",
        (Lang::Ko, MetricActiveToday) => "오늘 활성 사용자 수",
        (Lang::En, MetricActiveToday) => "Users active today",
        (Lang::Ko, MetricNewSignups) => "신규 가입 수",
        (Lang::En, MetricNewSignups) => "New sign-ups",
        (Lang::Ko, MetricActivityCount) => "활동 수",
        (Lang::En, MetricActivityCount) => "Activities",
        (Lang::Ko, MetricSolveRate) => "문제 정답률 (%)",
        (Lang::En, MetricSolveRate) => "Problem solve rate (%)",
        (Lang::Ko, MetricErrorRate) => "5xx 오류율 (%)",
        (Lang::En, MetricErrorRate) => "5xx error rate (%)",
        (Lang::Ko, MetricLatencyP95) => "응답 시간 p95 (ms)",
        (Lang::En, MetricLatencyP95) => "p95 latency (ms)",
        (Lang::Ko, MetricReportFailures) => "실패한 리포트 실행 수",
        (Lang::En, MetricReportFailures) => "Failed report runs",
        (Lang::Ko, MetricReportDurationP95) => "리포트 생성 시간 p95 (초)",
        (Lang::En, MetricReportDurationP95) => "p95 report generation time (s)",
        (Lang::Ko, MetricIngestionLag) => "이벤트 수집 지연 (초)",
        (Lang::En, MetricIngestionLag) => "Ingestion lag (s)",
        (Lang::Ko, MetricDbPoolWaiting) => "DB 커넥션 대기 수",
        (Lang::En, MetricDbPoolWaiting) => "Database pool waiting",
        (Lang::Ko, CondAbove) => "임계값 초과",
        (Lang::En, CondAbove) => "Above the threshold",
        (Lang::Ko, CondBelow) => "임계값 미만",
        (Lang::En, CondBelow) => "Below the threshold",
        (Lang::Ko, CondOutside) => "범위 밖",
        (Lang::En, CondOutside) => "Outside a band",
        (Lang::Ko, CondChangeUp) => "이전 기간 대비 증가",
        (Lang::En, CondChangeUp) => "Rises vs the previous period",
        (Lang::Ko, CondChangeDown) => "이전 기간 대비 감소",
        (Lang::En, CondChangeDown) => "Falls vs the previous period",
        (Lang::Ko, CondNoData) => "데이터 없음",
        (Lang::En, CondNoData) => "No data",
        (Lang::Ko, AlertMetric) => "지표",
        (Lang::En, AlertMetric) => "Metric",
        (Lang::Ko, AlertFilter) => "대상 한정",
        (Lang::En, AlertFilter) => "Narrow to",
        (Lang::Ko, FilterActivityHint) => "이 활동 유형만 셉니다 (예: problem_solve). 비워 두면 모든 활동.",
        (Lang::En, FilterActivityHint) => "Only this activity type (e.g. problem_solve); empty for every one.",
        (Lang::Ko, FilterRouteHint) => "이 경로만 봅니다 (예: GET /api/v1/users). 비워 두면 모든 요청.",
        (Lang::En, FilterRouteHint) => "Only this route (e.g. GET /api/v1/users); empty for every request.",
        (Lang::Ko, WindowMinutes) => "측정 구간 (분)",
        (Lang::En, WindowMinutes) => "Window (minutes)",
        (Lang::Ko, Threshold) => "임계값",
        (Lang::En, Threshold) => "Threshold",
        (Lang::Ko, ThresholdLow) => "범위 하한",
        (Lang::En, ThresholdLow) => "Band's low end",
        (Lang::Ko, ThresholdHigh) => "범위 상한",
        (Lang::En, ThresholdHigh) => "Band's high end",
        (Lang::Ko, ChangePercent) => "변화율 (%)",
        (Lang::En, ChangePercent) => "Change (%)",
        (Lang::Ko, Recovery) => "회복 기준",
        (Lang::En, Recovery) => "Recovery level",
        (Lang::Ko, RecoveryHint) => "발생 중인 경보는 값이 이 기준을 지나 돌아와야 해결됩니다 (깜빡임 방지). 비워 두면 임계값.",
        (Lang::En, RecoveryHint) => "A firing rule resolves only once the value is back past this, so it does not flap; empty: the threshold.",
        (Lang::Ko, NoDataMinutes) => "데이터 없음 기준 (분)",
        (Lang::En, NoDataMinutes) => "Minutes without data",
        (Lang::Ko, IntervalSeconds) => "평가 간격 (초)",
        (Lang::En, IntervalSeconds) => "Evaluate every (seconds)",
        (Lang::Ko, IntervalHint) => "10–86400초. 비워 두면 60초.",
        (Lang::En, IntervalHint) => "10–86400 s; empty: 60 s.",
        (Lang::Ko, PendingSeconds) => "대기 시간 (초)",
        (Lang::En, PendingSeconds) => "Pending for (seconds)",
        (Lang::Ko, PendingHint) => "조건이 이 시간 동안 계속되어야 발생합니다. 비워 두면 0초.",
        (Lang::En, PendingHint) => "How long the condition must hold before it fires; empty: 0 s.",
        (Lang::Ko, RepeatSeconds) => "재알림 간격 (초)",
        (Lang::En, RepeatSeconds) => "Notify again every (seconds)",
        (Lang::Ko, RepeatHint) => "발생 중에 다시 알리는 간격. 0이면 해결될 때까지 다시 알리지 않습니다. 비워 두면 3600초.",
        (Lang::En, RepeatHint) => "While firing; 0 = not again until it resolves; empty: 3600 s.",
        (Lang::Ko, AlertChannels) => "알림 채널",
        (Lang::En, AlertChannels) => "Notification channels",
        (Lang::Ko, AlertChannelsHint) => "발생, 재알림, 해결 때 이 채널로 알립니다.",
        (Lang::En, AlertChannelsHint) => "Notified when the rule fires, repeats and resolves.",
        (Lang::Ko, MessageTemplate) => "메시지 템플릿",
        (Lang::En, MessageTemplate) => "Message template",
        (Lang::Ko, MessageTemplateHint) => "비워 두면 기본 메시지. 채워지는 자리: {name} {metric} {value} {condition} {threshold} {state} {severity} {since}",
        (Lang::En, MessageTemplateHint) => "Empty for the default message. Filled in: {name} {metric} {value} {condition} {threshold} {state} {severity} {since}",
        (Lang::Ko, TestRule) => "지금 테스트",
        (Lang::En, TestRule) => "Test now",
        (Lang::Ko, TestRuleHint) => "지금 평가한 결과만 보여 줍니다. 상태를 바꾸거나 알림을 보내지 않습니다.",
        (Lang::En, TestRuleHint) => "Evaluates the rule now without changing its state or sending anything.",
        (Lang::Ko, PreviousValue) => "이전 기간 값",
        (Lang::En, PreviousValue) => "Previous period",
        (Lang::Ko, Breaching) => "조건 충족",
        (Lang::En, Breaching) => "Breaching",
        (Lang::Ko, WouldBecome) => "평가 후 상태",
        (Lang::En, WouldBecome) => "State it would take",
        (Lang::Ko, NoData) => "데이터 없음",
        (Lang::En, NoData) => "No data",
        (Lang::Ko, Silence1h) => "1시간 무음",
        (Lang::En, Silence1h) => "Silence 1 h",
        (Lang::Ko, SilenceTomorrow) => "내일 09:00까지 무음",
        (Lang::En, SilenceTomorrow) => "Silence until 09:00 tomorrow",
        (Lang::Ko, Unsilence) => "무음 해제",
        (Lang::En, Unsilence) => "Unsilence",
        (Lang::Ko, RuleHistory) => "기록 보기",
        (Lang::En, RuleHistory) => "History",
        (Lang::Ko, MetricHintUsersOnline) => "지금 접속 중인 사용자 수 (측정 구간 없음).",
        (Lang::En, MetricHintUsersOnline) => "Users online now (no window).",
        (Lang::Ko, MetricHintActiveToday) => "오늘(KST) 활동한 사용자 수 (측정 구간 없음).",
        (Lang::En, MetricHintActiveToday) => "Users with an activity today, KST (no window).",
        (Lang::Ko, MetricHintNewSignups) => "측정 구간 동안 가입한 사용자 수.",
        (Lang::En, MetricHintNewSignups) => "Users who signed up in the window.",
        (Lang::Ko, MetricHintActivities) => "측정 구간 동안 기록된 활동 수 (한 유형으로 한정할 수 있음).",
        (Lang::En, MetricHintActivities) => "Activities recorded in the window (optionally of one type).",
        (Lang::Ko, MetricHintSolveRate) => "측정 구간 동안 문제 풀이 시도 중 정답 비율 (%).",
        (Lang::En, MetricHintSolveRate) => "Share of problem tries that were solves in the window (%).",
        (Lang::Ko, MetricHintErrorRate) => "측정 구간 동안 5xx로 응답한 요청 비율 (%, 한 경로로 한정할 수 있음).",
        (Lang::En, MetricHintErrorRate) => "Share of requests answered 5xx in the window (%, optionally one route).",
        (Lang::Ko, MetricHintLatencyP95) => "측정 구간 동안 응답 시간의 95백분위 (ms, 한 경로로 한정할 수 있음).",
        (Lang::En, MetricHintLatencyP95) => "95th percentile response time in the window (ms, optionally one route).",
        (Lang::Ko, MetricHintReportFailures) => "측정 구간 동안 실패한 리포트 실행 수.",
        (Lang::En, MetricHintReportFailures) => "Report runs that failed in the window.",
        (Lang::Ko, MetricHintReportDurationP95) => "측정 구간 동안 리포트 생성 시간의 95백분위 (초).",
        (Lang::En, MetricHintReportDurationP95) => "95th percentile report generation time in the window (s).",
        (Lang::Ko, MetricHintIngestionLag) => "측정 구간 동안 이벤트가 일어난 뒤 수집되기까지 걸린 가장 긴 시간 (초).",
        (Lang::En, MetricHintIngestionLag) => "Longest delay between an event happening and its arrival, in the window (s).",
        (Lang::Ko, MetricHintDbPoolWaiting) => "측정 구간 동안 DB 커넥션을 기다린 작업의 최대 수.",
        (Lang::En, MetricHintDbPoolWaiting) => "Most database operations waiting for a connection at once, in the window.",
    }
}

/// "Last `days` days".
pub fn last_days(lang: Lang, days: u32) -> String {
    match lang {
        Lang::Ko => format!("최근 {days}일"),
        Lang::En => format!("Last {days} days"),
    }
}

/// The sign-in form's answer to too many attempts: when to try again.
pub fn too_many_attempts(lang: Lang, retry_after_secs: u64) -> String {
    match lang {
        Lang::Ko => format!("로그인 시도가 너무 많습니다. {retry_after_secs}초 후에 다시 시도하세요."),
        Lang::En => format!("Too many attempts. Try again in {retry_after_secs} s."),
    }
}

/// A role's name.
pub fn role_name(lang: Lang, role: crate::model::Role) -> &'static str {
    use crate::model::Role;
    let msg = match role {
        Role::Viewer => Msg::RoleViewer,
        Role::Editor => Msg::RoleEditor,
        Role::Owner => Msg::RoleOwner,
        Role::Admin => Msg::RoleAdmin,
    };
    t(lang, msg)
}

/// The accessible name of the control that sets `email`'s role.
pub fn role_of(lang: Lang, email: &str) -> String {
    match lang {
        Lang::Ko => format!("{email}의 역할"),
        Lang::En => format!("Role of {email}"),
    }
}

/// The accessible name of a button that does `action` to `target`, so a table
/// of identical buttons says which row each one acts on (`a@b.c 비활성화`,
/// `Disable a@b.c`).
pub fn action_on(lang: Lang, action: Msg, target: &str) -> String {
    match lang {
        Lang::Ko => format!("{target} {}", t(lang, action)),
        Lang::En => format!("{} {target}", t(lang, action)),
    }
}

/// What a list counts, for its total line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Platform users.
    Users,
    /// Activities.
    Activities,
    /// Problems.
    Problems,
    /// Scheduled reports.
    Reports,
    /// Report runs.
    Runs,
    /// Delivery channels.
    Channels,
    /// A channel's deliveries.
    Deliveries,
    /// Alert history entries.
    AlertEvents,
}

/// A list's total (`사용자 1,234명`, `1,234 users`): Korean counts people,
/// events and things with different counters.
pub fn total_of(lang: Lang, what: Counted, n: i64) -> String {
    let n = format_count(n);
    match (lang, what) {
        (Lang::Ko, Counted::Users) => format!("사용자 {n}명"),
        (Lang::Ko, Counted::Activities) => format!("활동 {n}건"),
        (Lang::Ko, Counted::Problems) => format!("문제 {n}개"),
        (Lang::Ko, Counted::Reports) => format!("리포트 {n}개"),
        (Lang::Ko, Counted::Runs) => format!("실행 {n}건"),
        (Lang::Ko, Counted::Channels) => format!("채널 {n}개"),
        (Lang::Ko, Counted::Deliveries) => format!("전송 {n}건"),
        (Lang::Ko, Counted::AlertEvents) => format!("기록 {n}건"),
        (Lang::En, Counted::Users) => format!("{n} users"),
        (Lang::En, Counted::Activities) => format!("{n} activities"),
        (Lang::En, Counted::Problems) => format!("{n} problems"),
        (Lang::En, Counted::Reports) => format!("{n} reports"),
        (Lang::En, Counted::Runs) => format!("{n} runs"),
        (Lang::En, Counted::Channels) => format!("{n} channels"),
        (Lang::En, Counted::Deliveries) => format!("{n} deliveries"),
        (Lang::En, Counted::AlertEvents) => format!("{n} events"),
    }
}

/// What a bulk change did (`3개를 변경했습니다.`, `3 updated.`).
pub fn updated_count(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Ko => format!("{}개를 변경했습니다.", format_count(n)),
        Lang::En => format!("{} updated.", format_count(n)),
    }
}

/// How many rows are ticked (`2개 선택됨`, `2 selected`).
pub fn selected_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ko => format!("{n}개 선택됨"),
        Lang::En => format!("{n} selected"),
    }
}

/// The accessible name of a row's checkbox (`제목 선택`, `Select Title`).
pub fn select_row(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Ko => format!("{name} 선택"),
        Lang::En => format!("Select {name}"),
    }
}

/// How many reports use a template (`리포트 2개`, `2 reports`).
pub fn report_count(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::Ko, n) => format!("리포트 {}개", format_count(n)),
        (Lang::En, 1) => "1 report".to_owned(),
        (Lang::En, n) => format!("{} reports", format_count(n)),
    }
}

/// Section `n` (counted from 1) of a template, with its kind, as the
/// accessible name of its controls (`섹션 2 (차트)`, `section 2 (Chart)`).
pub fn section_name(lang: Lang, n: usize, kind: &str) -> String {
    match lang {
        Lang::Ko => format!("섹션 {n} ({})", value_name(lang, kind)),
        Lang::En => format!("section {n} ({})", value_name(lang, kind)),
    }
}

/// A report's schedule in words, in `lang`.
pub fn schedule_words(lang: Lang, text: &crate::model::ScheduleText) -> String {
    match lang {
        Lang::Ko => text.ko.clone(),
        Lang::En => text.en.clone(),
    }
}

/// A delivery channel, by id (`채널 #3`, `Channel #3`).
pub fn channel_name(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Ko => format!("채널 #{id}"),
        Lang::En => format!("Channel #{id}"),
    }
}

/// How many people an e-mail channel writes to (`수신자 3명`, `3 recipients`).
pub fn recipient_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Ko, n) => format!("수신자 {n}명"),
        (Lang::En, 1) => "1 recipient".to_owned(),
        (Lang::En, n) => format!("{n} recipients"),
    }
}

/// The hint of the recipients field, with the most it takes.
pub fn recipients_hint(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Ko => format!("한 줄에 하나씩, 또는 쉼표로 구분 (최대 {max}명)"),
        Lang::En => format!("One per line or comma separated (at most {max})"),
    }
}

/// The hint of a saved channel's URL field: empty keeps the stored one,
/// recognisable by its hint (`hooks.slack.com/…9f2`).
pub fn keep_url_hint(lang: Lang, url_hint: Option<&str>) -> String {
    let stored = url_hint.map(|h| format!(" ({h})")).unwrap_or_default();
    match lang {
        Lang::Ko => format!("비워 두면 저장된 URL{stored}을 그대로 씁니다."),
        Lang::En => format!("Leave empty to keep the stored URL{stored}."),
    }
}

/// An SMTP security mode as the form offers it, with its default port.
pub fn tls_label(lang: Lang, mode: &str) -> String {
    let port = crate::model::default_smtp_port(mode);
    match mode {
        "starttls" => format!("STARTTLS ({port})"),
        "tls" => format!("TLS ({port})"),
        "none" => format!("{} ({port})", t(lang, Msg::TlsNone)),
        other => other.to_owned(),
    }
}

/// A report run, by id (`실행 #12`, `Run #12`).
pub fn run_label(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Ko => format!("실행 #{id}"),
        Lang::En => format!("Run #{id}"),
    }
}

/// How many attempts a delivery took (`2회`, `2 attempts`), on the button
/// that shows them.
pub fn attempt_count(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::Ko, n) => format!("{}회", format_count(n)),
        (Lang::En, 1) => "1 attempt".to_owned(),
        (Lang::En, n) => format!("{} attempts", format_count(n)),
    }
}

/// What a test send did: delivered, or failed with the receiver's status and
/// the error, when known.
pub fn test_result(lang: Lang, delivered: bool, status: Option<i64>, error: Option<&str>) -> String {
    let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    let error = error.map(|e| format!(": {e}")).unwrap_or_default();
    match (lang, delivered) {
        (Lang::Ko, true) => format!("테스트 메시지를 전송했습니다{status}."),
        (Lang::En, true) => format!("Test delivered{status}."),
        (Lang::Ko, false) => format!("테스트 전송 실패{status}{error}"),
        (Lang::En, false) => format!("Test failed{status}{error}"),
    }
}

/// A stored enum value (`paid`, `hard`, `draft`) as the UI says it; a value
/// the UI does not know is shown as stored.
pub fn value_name(lang: Lang, value: &str) -> String {
    let msg = match value {
        "free" => Msg::Free,
        "paid" => Msg::Paid,
        "premium" => Msg::Premium,
        "easy" => Msg::Easy,
        "medium" => Msg::Medium,
        "hard" => Msg::Hard,
        "active" => Msg::StatusActive,
        "inactive" => Msg::StatusInactive,
        "draft" => Msg::StatusDraft,
        "paused" => Msg::StatusPaused,
        // Reports: their periods, sections, charts, figures, categories and runs.
        "yesterday" => Msg::PeriodYesterday,
        "last_7_days" => Msg::PeriodLast7Days,
        "last_week" => Msg::PeriodLastWeek,
        "last_month" => Msg::PeriodLastMonth,
        "last_n_days" => Msg::PeriodLastNDays,
        "fixed" => Msg::PeriodFixed,
        "stat_summary" => Msg::KindStatSummary,
        "chart" => Msg::KindChart,
        "top_countries" => Msg::KindTopCountries,
        "problem_bank" => Msg::KindProblemBank,
        "comparison" => Msg::KindComparison,
        "anomalies" => Msg::KindAnomalies,
        "text" => Msg::KindText,
        "user_growth" => Msg::UserGrowth,
        "users_by_type" => Msg::UsersByType,
        "activity" => Msg::ActivityByType,
        "heatmap" => Msg::ActivityHeatmap,
        "problems" => Msg::ProblemsBySubject,
        "new_users" => Msg::NewUsers,
        "active_users" => Msg::MetricActiveUsers,
        "activities" => Msg::MetricActivities,
        "new_problems" => Msg::MetricNewProblems,
        "daily" => Msg::CategoryDaily,
        "weekly" => Msg::CategoryWeekly,
        "monthly" => Msg::CategoryMonthly,
        "custom" => Msg::CategoryCustom,
        "pending" => Msg::RunPending,
        "running" => Msg::RunRunning,
        "completed" => Msg::RunCompleted,
        "failed" => Msg::RunFailed,
        "schedule" => Msg::TriggerSchedule,
        "manual" => Msg::TriggerManual,
        "api" => Msg::TriggerApi,
        // Channels and their deliveries.
        "webhook" => Msg::KindWebhook,
        "slack" => Msg::KindSlack,
        "email" => Msg::KindEmail,
        "delivered" => Msg::DeliveryDelivered,
        "sending" => Msg::DeliverySending,
        "retry" => Msg::OutcomeRetry,
        "lost" => Msg::OutcomeLost,
        "report_run" => Msg::SubjectReportRun,
        "test" => Msg::SubjectTest,
        "alert" => Msg::SubjectAlert,
        other => return other.to_owned(),
    };
    t(lang, msg).to_owned()
}

/// An alert rule's stored value (state, event kind, severity, metric or
/// condition) as the UI says it; a value the UI does not know is shown as stored.
pub fn alert_term(lang: Lang, value: &str) -> String {
    let msg = match value {
        "normal" => Msg::StateNormal,
        "pending" => Msg::StatePending,
        "firing" => Msg::StateFiring,
        "repeat" => Msg::EventRepeat,
        "resolved" => Msg::EventResolved,
        "cleared" => Msg::EventCleared,
        "info" => Msg::SeverityInfo,
        "warning" => Msg::SeverityWarning,
        "critical" => Msg::SeverityCritical,
        "users_online" => Msg::MetricUsersOnline,
        "active_today" => Msg::MetricActiveToday,
        "new_signups" => Msg::MetricNewSignups,
        "activities" => Msg::MetricActivityCount,
        "solve_rate" => Msg::MetricSolveRate,
        "error_rate" => Msg::MetricErrorRate,
        "latency_p95" => Msg::MetricLatencyP95,
        "report_failures" => Msg::MetricReportFailures,
        "report_duration_p95" => Msg::MetricReportDurationP95,
        "ingestion_lag" => Msg::MetricIngestionLag,
        "db_pool_waiting" => Msg::MetricDbPoolWaiting,
        "above" => Msg::CondAbove,
        "below" => Msg::CondBelow,
        "outside" => Msg::CondOutside,
        "change_up" => Msg::CondChangeUp,
        "change_down" => Msg::CondChangeDown,
        "no_data" => Msg::CondNoData,
        "active" => Msg::StatusActive,
        "paused" => Msg::StatusPaused,
        other => return other.to_owned(),
    };
    t(lang, msg).to_owned()
}

/// The unit a metric's values are in, as the server's notifications write it.
pub fn alert_unit(metric: &str) -> &'static str {
    match metric {
        "solve_rate" | "error_rate" => " %",
        "latency_p95" => " ms",
        "report_duration_p95" | "ingestion_lag" => " s",
        _ => "",
    }
}

/// A number without trailing zeros, to two decimals at most: 7, 7.5, 7.25.
pub fn alert_number(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A rule's value with its unit; for `no_data`, the minutes without data.
pub fn alert_value_words(lang: Lang, metric: &str, condition: &str, value: Option<f64>) -> String {
    match (lang, value) {
        (_, None) => t(lang, Msg::NoData).to_owned(),
        // The server writes "for ever" as the largest number.
        (Lang::Ko, Some(v)) if condition == "no_data" && v >= 1e9 => "기록된 적 없음".to_owned(),
        (Lang::En, Some(v)) if condition == "no_data" && v >= 1e9 => "never any data".to_owned(),
        (Lang::Ko, Some(v)) if condition == "no_data" => format!("{}분째 데이터 없음", alert_number(v)),
        (Lang::En, Some(v)) if condition == "no_data" => format!("{} min without data", alert_number(v)),
        (_, Some(v)) => format!("{}{}", alert_number(v), alert_unit(metric)),
    }
}

/// A rule's condition in words ("5 % 초과", "above 5 %", "outside 10–20").
pub fn alert_condition_words(lang: Lang, rule: &crate::model::AlertRule) -> String {
    let unit = alert_unit(&rule.metric);
    let n = |v: Option<f64>| v.map_or_else(|| "?".to_owned(), alert_number);
    let (low, high) = (n(rule.threshold), n(rule.threshold_high));
    let minutes = rule.no_data_minutes.unwrap_or(0);
    match (lang, rule.condition.as_str()) {
        (Lang::Ko, "above") => format!("{low}{unit} 초과"),
        (Lang::En, "above") => format!("above {low}{unit}"),
        (Lang::Ko, "below") => format!("{low}{unit} 미만"),
        (Lang::En, "below") => format!("below {low}{unit}"),
        (Lang::Ko, "outside") => format!("{low}–{high}{unit} 범위 밖"),
        (Lang::En, "outside") => format!("outside {low}–{high}{unit}"),
        (Lang::Ko, "change_up") => format!("이전 기간보다 {low}% 이상 증가"),
        (Lang::En, "change_up") => format!("up {low} % or more vs the previous period"),
        (Lang::Ko, "change_down") => format!("이전 기간보다 {low}% 이상 감소"),
        (Lang::En, "change_down") => format!("down {low} % or more vs the previous period"),
        (Lang::Ko, "no_data") => format!("{minutes}분 동안 데이터 없음"),
        (Lang::En, "no_data") => format!("no data for {minutes} min"),
        (_, other) => other.to_owned(),
    }
}

/// What a rule watches: the figure, what it is narrowed to and its window
/// (`활동 수 · login · 최근 5분`, `Activities · login · over 5 min`).
pub fn alert_metric_words(lang: Lang, metric: &str, filter: Option<&str>, window_minutes: Option<i64>) -> String {
    let mut parts = vec![alert_term(lang, metric)];
    parts.extend(filter.map(str::to_owned));
    parts.extend(window_minutes.map(|w| match lang {
        Lang::Ko => format!("최근 {w}분"),
        Lang::En => format!("over {w} min"),
    }));
    parts.join(" · ")
}

/// A silence's end (`11월 21일 09:00까지 무음`, `Silenced until Nov 21, 09:00`).
pub fn silenced_until(lang: Lang, at: &str) -> String {
    match lang {
        Lang::Ko => format!("{at}까지 무음"),
        Lang::En => format!("Silenced until {at}"),
    }
}

/// Since when a rule is in its state (`11월 21일 14:05부터`, `since Nov 21, 14:05`).
pub fn state_since(lang: Lang, at: &str) -> String {
    match lang {
        Lang::Ko => format!("{at}부터"),
        Lang::En => format!("since {at}"),
    }
}

/// How many alerts fire (`경보 3건 발생 중`, `3 alerts firing`): the badge's name.
pub fn alerts_firing(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::Ko, n) => format!("경보 {}건 발생 중", format_count(n)),
        (Lang::En, 1) => "1 alert firing".to_owned(),
        (Lang::En, n) => format!("{} alerts firing", format_count(n)),
    }
}

/// The note over a history narrowed to one rule.
pub fn rule_history_of(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Ko => format!("{name} 규칙의 기록만 보는 중"),
        Lang::En => format!("Only the history of {name}"),
    }
}

/// The hint of the window field, with the metric's default.
pub fn window_hint(lang: Lang, default_minutes: i64) -> String {
    match lang {
        Lang::Ko => format!("1–1440분. 비워 두면 {default_minutes}분."),
        Lang::En => format!("1–1440 min; empty: {default_minutes} min."),
    }
}

/// What a sparkline shows, for screen readers (its values already in words).
pub fn sparkline_label(lang: Lang, points: usize, low: &str, high: &str, last: &str) -> String {
    match lang {
        Lang::Ko => format!("최근 값 {points}개: 최저 {low}, 최고 {high}, 마지막 {last}"),
        Lang::En => format!("Last {points} values: lowest {low}, highest {high}, latest {last}"),
    }
}

/// A share (0–1) as a percentage with one decimal (`42.9%`).
pub fn format_percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A duration in seconds as days, hours and minutes (`3일 4시간 5분`, `3d 4h 5m`).
pub fn format_uptime(lang: Lang, seconds: u64) -> String {
    let (d, h, m) = (seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60);
    match lang {
        Lang::Ko => format!("{d}일 {h}시간 {m}분"),
        Lang::En => format!("{d}d {h}h {m}m"),
    }
}

/// A country's name in `lang`.
pub fn country_name(lang: Lang, country: &crate::model::CountryStat) -> &str {
    match lang {
        Lang::Ko => &country.name_ko,
        Lang::En => &country.name,
    }
}

/// Weekday names, Monday first.
pub fn weekdays(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Ko => ["월", "화", "수", "목", "금", "토", "일"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
}

/// An instant as a date and time in `zone` (`11월 21일 14:05`, `Nov 21, 14:05`).
pub fn format_datetime(lang: Lang, at: chrono::DateTime<chrono::Utc>, zone: crate::model::range::Zone) -> String {
    let local = at.with_timezone(&zone.offset());
    match lang {
        Lang::Ko => local.format("%-m월 %-d일 %H:%M").to_string(),
        Lang::En => local.format("%b %-d, %H:%M").to_string(),
    }
}

/// A date as the UI writes it (`2026. 11. 21.`, `Nov 21, 2026`).
pub fn format_date(lang: Lang, date: chrono::NaiveDate) -> String {
    match lang {
        Lang::Ko => date.format("%Y. %-m. %-d.").to_string(),
        Lang::En => date.format("%b %-d, %Y").to_string(),
    }
}

/// The change from `previous` to `now`: the signed difference and, when the
/// previous figure is not zero, the percentage (`+120 (+4.8%)`). `None` when
/// nothing changed.
pub fn format_change(now: i64, previous: i64) -> Option<String> {
    let diff = now - previous;
    if diff == 0 {
        return None;
    }
    let sign = if diff > 0 { "+" } else { "-" };
    let abs = format_count(diff.abs());
    if previous == 0 {
        return Some(format!("{sign}{abs}"));
    }
    let pct = diff as f64 * 100.0 / previous as f64;
    Some(format!("{sign}{abs} ({sign}{:.1}%)", pct.abs()))
}

/// `n` with thousands separators (`12,345`), as both languages write it.
pub fn format_count(n: i64) -> String {
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

/// A problem's difficulty as the UI names it (other values as they are).
pub fn difficulty_name(lang: Lang, difficulty: &str) -> String {
    match difficulty {
        "easy" => t(lang, Msg::Easy).to_owned(),
        "medium" => t(lang, Msg::Medium).to_owned(),
        "hard" => t(lang, Msg::Hard).to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_actions_name_their_row_in_word_order() {
        assert_eq!(action_on(Lang::Ko, Msg::Disable, "a@b.c"), "a@b.c 비활성화");
        assert_eq!(action_on(Lang::En, Msg::Disable, "a@b.c"), "Disable a@b.c");
        assert_eq!(role_of(Lang::En, "a@b.c"), "Role of a@b.c");
        assert_eq!(role_name(Lang::Ko, crate::model::Role::Admin), "관리자");
    }

    #[test]
    fn changes_show_the_difference_and_the_percentage() {
        assert_eq!(format_change(110, 100).as_deref(), Some("+10 (+10.0%)"));
        assert_eq!(format_change(90, 100).as_deref(), Some("-10 (-10.0%)"));
        assert_eq!(format_change(5, 0).as_deref(), Some("+5"));
        assert_eq!(format_change(7, 7), None);
    }

    #[test]
    fn list_totals_use_each_language_s_counter() {
        assert_eq!(total_of(Lang::Ko, Counted::Users, 1234), "사용자 1,234명");
        assert_eq!(total_of(Lang::En, Counted::Problems, 2), "2 problems");
        assert_eq!(value_name(Lang::En, "premium"), "Premium");
        assert_eq!(value_name(Lang::Ko, "draft"), "초안");
        assert_eq!(value_name(Lang::En, "unknown_kind"), "unknown_kind");
        assert_eq!(format_percent(0.4286), "42.9%");
    }

    #[test]
    fn report_words_cover_their_stored_values() {
        assert_eq!(value_name(Lang::En, "last_n_days"), "Last N days");
        assert_eq!(value_name(Lang::Ko, "paused"), "일시 중지");
        assert_eq!(value_name(Lang::En, "top_countries"), "Top countries");
        assert_eq!(report_count(Lang::En, 1), "1 report");
        assert_eq!(report_count(Lang::En, 1200), "1,200 reports");
        assert_eq!(report_count(Lang::Ko, 3), "리포트 3개");
        assert_eq!(section_name(Lang::En, 2, "chart"), "section 2 (Chart)");
        assert_eq!(total_of(Lang::Ko, Counted::Reports, 4), "리포트 4개");
        let text = crate::model::ScheduleText { ko: "평일 10:00 (KST)".into(), en: "weekdays at 10:00 (KST)".into() };
        assert_eq!(schedule_words(Lang::Ko, &text), "평일 10:00 (KST)");
        assert_eq!(schedule_words(Lang::En, &text), "weekdays at 10:00 (KST)");
    }

    #[test]
    fn channel_words_cover_their_stored_values() {
        assert_eq!(value_name(Lang::En, "webhook"), "Webhook");
        assert_eq!(value_name(Lang::Ko, "delivered"), "전송됨");
        assert_eq!(value_name(Lang::En, "report_run"), "Report run");
        assert_eq!(total_of(Lang::Ko, Counted::Channels, 3), "채널 3개");
        assert_eq!(recipient_count(Lang::En, 1), "1 recipient");
        assert_eq!(tls_label(Lang::En, "tls"), "TLS (465)");
        assert_eq!(
            keep_url_hint(Lang::En, Some("example.com/…ook")),
            "Leave empty to keep the stored URL (example.com/…ook)."
        );
        assert_eq!(test_result(Lang::En, true, Some(200), None), "Test delivered (HTTP 200).");
        assert_eq!(
            test_result(Lang::En, false, Some(500), Some("server error")),
            "Test failed (HTTP 500): server error"
        );
        assert_eq!(attempt_count(Lang::En, 2), "2 attempts");
    }

    #[test]
    fn alert_words_give_values_with_units_and_conditions_in_each_language() {
        assert_eq!(alert_term(Lang::En, "firing"), "Firing");
        assert_eq!(alert_term(Lang::Ko, "critical"), "심각");
        assert_eq!(alert_term(Lang::En, "mystery"), "mystery");
        assert_eq!(alert_number(7.0), "7");
        assert_eq!(alert_number(7.25), "7.25");
        assert_eq!(alert_number(-0.001), "0");
        assert_eq!(alert_value_words(Lang::En, "error_rate", "above", Some(7.5)), "7.5 %");
        assert_eq!(alert_value_words(Lang::En, "latency_p95", "above", None), "No data");
        assert_eq!(alert_value_words(Lang::En, "activities", "no_data", Some(12.0)), "12 min without data");
        assert_eq!(alert_value_words(Lang::Ko, "activities", "no_data", Some(f64::MAX)), "기록된 적 없음");
        assert_eq!(alerts_firing(Lang::Ko, 3), "경보 3건 발생 중");
        assert_eq!(alerts_firing(Lang::En, 1), "1 alert firing");
        assert_eq!(alerts_firing(Lang::En, 3), "3 alerts firing");
        assert_eq!(
            alert_metric_words(Lang::En, "activities", Some("login"), Some(5)),
            "Activities · login · over 5 min"
        );
        assert_eq!(alert_metric_words(Lang::Ko, "users_online", None, None), "현재 접속자 수");
        assert_eq!(total_of(Lang::Ko, Counted::AlertEvents, 2), "기록 2건");
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_count(-45_000), "-45,000");
    }
}
