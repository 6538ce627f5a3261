//! Who is calling and what they may do, as extractors.
//!
//! A handler states the action it needs in its signature, `Authorized<act::CaseRead>`, so it
//! cannot be written without naming its permission. Browser sessions come in an HttpOnly
//! cookie and must send the CSRF token with every write; API clients send a bearer token.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum_extra::extract::CookieJar;
use chrono::Duration;
use homeward_auth::{constant_time_eq, token_digest, Action, Role};
use homeward_domain::{RecordKind, RecordScope};
use homeward_store::{ActorContext, Session, SessionKind, User};

use crate::error::ApiError;
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "hw_session";
/// Header carrying the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An action required by a handler, as a type.
pub trait RequiredAction: Send + Sync + 'static {
    /// The action.
    const ACTION: Action;
}

/// One marker type per action.
pub mod act {
    use super::{Action, RequiredAction};

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {
            $(
                #[doc = concat!("Requires `", stringify!($name), "`.")]
                pub struct $name;
                impl RequiredAction for $name {
                    const ACTION: Action = Action::$name;
                }
            )*
        };
    }

    markers!(
        CaseCreate,
        CaseRead,
        CaseUpdate,
        CaseList,
        TracingCreate,
        TracingRead,
        TracingUpdate,
        TracingList,
        HistoryRead,
        UserManage,
        AuditRead,
        DataExport,
        DataImport,
        MatchRead,
        MatchDecide,
        ConsentOverride,
        WorkflowRegister,
        WorkflowInterimCare,
        WorkflowTracing,
        WorkflowVerify,
        ReunificationApprove,
        WorkflowReunify,
        WorkflowFollowUp,
        WorkflowClose,
        WorkflowLongTermCare,
        MoveRecord,
        CaseMerge,
        CommunityCreate,
        CommunityRead,
        CommunityUpdate,
        CommunityList,
        TransitCreate,
        TransitRead,
        TransitUpdate,
        TransitList,
        IncidentCreate,
        IncidentRead,
        IncidentUpdate,
        IncidentList,
        ReferralCreate,
        ReferralRead,
        ReferralUpdate,
        ReferralList,
        AnalysisRead
    );
}

/// The records within a user's reach, as every query applies it.
pub fn scope_of(user: &User, role: Option<Role>) -> RecordScope {
    RecordScope {
        scope: user.scope,
        user: user.id,
        team: user.team_id,
        agency: user.agency_id,
        // Only volunteers belong to committees; a committee left on another role (from before
        // the rule) must not widen what that role sees.
        committee: user
            .committee
            .clone()
            .filter(|_| role == Some(Role::CommunityVolunteer)),
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// Their role, if the stored name is known (an unknown role may do nothing).
    pub role: Option<Role>,
    /// Web or API session.
    pub kind: SessionKind,
    /// The CSRF token of the session.
    pub csrf_token: String,
    /// The digest of the session token, to end it on logout.
    pub token_digest: String,
}

impl Caller {
    /// Whether the caller's role allows an action.
    pub fn can(&self, action: Action) -> bool {
        self.role.is_some_and(|r| r.allows(action))
    }

    /// The store's context for records of one kind: community records open their personal
    /// fields to the volunteers who visit the households, every other kind to
    /// `personal_data.view` only.
    pub fn context_for(&self, kind: RecordKind) -> ActorContext {
        let mut ctx = self.context();
        ctx.reveal_personal = self.can(Action::personal_view(kind));
        ctx
    }

    /// What the store needs to know: the scope, and whether personal fields may be opened.
    pub fn context(&self) -> ActorContext {
        ActorContext {
            scope: scope_of(&self.user, self.role),
            reveal_personal: self.can(Action::PersonalDataView),
        }
    }

    /// The actor id for audit entries.
    pub fn actor(&self) -> String {
        self.user.id.to_string()
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let (token, via_cookie) = match bearer(parts) {
            Some(t) => (t.to_string(), false),
            None => match jar.get(SESSION_COOKIE) {
                Some(c) => (c.value().to_string(), true),
                None => return Err(ApiError::unauthenticated()),
            },
        };
        let digest = token_digest(&token);
        let idle = Duration::from_std(state.config.session_idle).unwrap_or(Duration::minutes(30));
        let Session {
            kind,
            csrf_token,
            user,
        } = state
            .store
            .find_session(&digest, idle)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via_cookie && !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &csrf_token) {
                return Err(ApiError::csrf());
            }
        }
        let role = Role::parse(&user.role);
        Ok(Caller {
            user,
            role,
            kind,
            csrf_token,
            token_digest: digest,
        })
    }
}

/// A caller whose role allows `A`.
pub struct Authorized<A: RequiredAction> {
    /// The caller.
    pub caller: Caller,
    _action: PhantomData<A>,
}

impl<A: RequiredAction> FromRequestParts<AppState> for Authorized<A> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if !caller.can(A::ACTION) {
            let role = caller
                .role
                .map_or_else(|| caller.user.role.clone(), |r| r.as_str().to_string());
            return Err(ApiError::forbidden(format!(
                "your role ({role}) does not allow this: it needs the `{}` permission; ask an administrator if your work requires it",
                A::ACTION.as_str()
            )));
        }
        Ok(Self {
            caller,
            _action: PhantomData,
        })
    }
}
