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
}

/// A list's total (`사용자 1,234명`, `1,234 users`): Korean counts people,
/// events and things with different counters.
pub fn total_of(lang: Lang, what: Counted, n: i64) -> String {
    let n = format_count(n);
    match (lang, what) {
        (Lang::Ko, Counted::Users) => format!("사용자 {n}명"),
        (Lang::Ko, Counted::Activities) => format!("활동 {n}건"),
        (Lang::Ko, Counted::Problems) => format!("문제 {n}개"),
        (Lang::En, Counted::Users) => format!("{n} users"),
        (Lang::En, Counted::Activities) => format!("{n} activities"),
        (Lang::En, Counted::Problems) => format!("{n} problems"),
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
        other => return other.to_owned(),
    };
    t(lang, msg).to_owned()
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
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_count(-45_000), "-45,000");
    }
}
