//! Queries on `report_templates` (migration 0011): the sections a report is
//! made of. Periods and sections are stored as JSON text the service wrote.

use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;
use crate::model::{Period, Section, Template};

const SELECT: &str = "select t.id, t.name, t.description, t.category, t.period, t.sections, t.builtin, \
    (select count(*) from reports r where r.template_id = t.id) as reports, t.created_by, t.created_at, \
    t.updated_at from report_templates t";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    description: String,
    category: String,
    period: String,
    sections: String,
    builtin: Option<String>,
    reports: i64,
    created_by: String,
    created_at: Ts,
    updated_at: Ts,
}

impl From<Row> for Template {
    fn from(r: Row) -> Self {
        Template {
            id: r.id,
            name: r.name,
            description: r.description,
            category: r.category,
            // Written by the service from these very types; a row edited by
            // hand into something else shows as empty rather than failing the list.
            period: serde_json::from_str::<Period>(&r.period).unwrap_or_default(),
            sections: serde_json::from_str::<Vec<Section>>(&r.sections).unwrap_or_default(),
            builtin: r.builtin,
            reports: r.reports,
            created_by: r.created_by,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

/// A template's editable fields, validated, with the JSON already made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    /// 1–100 characters.
    pub name: String,
    /// Up to 500 characters.
    pub description: String,
    /// One of the categories.
    pub category: String,
    /// The period, as JSON.
    pub period: String,
    /// The sections, as JSON.
    pub sections: String,
}

/// Every template: the built-ins first, then by name.
pub async fn all(db: &Db) -> Result<Vec<Template>> {
    let sql = format!("{SELECT} order by case when t.builtin is null then 1 else 0 end, lower(t.name), t.id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One template.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Template>> {
    let sql = format!("{SELECT} where t.id = $1");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
    Ok(row.map(Into::into))
}

/// The id of the built-in template `builtin` (`daily`, `weekly`), if present.
pub async fn builtin_id(db: &Db, builtin: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from report_templates where builtin = $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(builtin).fetch_optional(pool).await?))
}

/// The id of the template called `name`, ignoring case.
pub async fn id_by_name(db: &Db, name: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from report_templates where lower(name) = lower($1)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await?))
}

/// Inserts a template (a built-in when `builtin` is set) and its audit record
/// in one transaction; returns the id. A built-in that another replica added
/// meanwhile is left as it is (`None`).
pub async fn insert(
    db: &Db,
    fields: &Fields,
    builtin: Option<&str>,
    created_by: &str,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<Option<i64>> {
    const INSERT: &str = "insert into report_templates \
        (name, description, category, period, sections, builtin, created_by, created_at, updated_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
    // A built-in races other replicas starting: the first one wins, quietly.
    // A name taken by an editor's template is the unique index's 409.
    let sql = if builtin.is_some() {
        format!("{INSERT} on conflict do nothing returning id")
    } else {
        format!("{INSERT} returning id")
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(&sql)
            .bind(&fields.name)
            .bind(&fields.description)
            .bind(&fields.category)
            .bind(&fields.period)
            .bind(&fields.sections)
            .bind(builtin)
            .bind(created_by)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = id {
            let target = format!("template:{id}");
            let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
            audit::append!(tx, at, entry);
            tx.commit().await?;
        }
        Ok(id)
    })
}

/// Replaces a template's fields and appends `entry`, in one transaction; false
/// when there is no such template or it is a built-in (nothing is written then).
pub async fn update(db: &Db, id: i64, fields: &Fields, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const UPDATE: &str = "update report_templates set name = $2, description = $3, category = $4, period = $5, \
        sections = $6, updated_at = $7 where id = $1 and builtin is null";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE)
            .bind(id)
            .bind(&fields.name)
            .bind(&fields.description)
            .bind(&fields.category)
            .bind(&fields.period)
            .bind(&fields.sections)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            audit::append!(tx, at, entry);
            tx.commit().await?;
        }
        Ok(n > 0)
    })
}

/// What [`delete`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// The template is gone.
    Yes,
    /// There is no such template, or it is a built-in.
    NotFound,
    /// Reports use it: it stays.
    InUse(i64),
}

/// Deletes a template no report uses, with its audit record, in one transaction.
pub async fn delete(db: &Db, id: i64, at: Ts, entry: &audit::NewEntry<'_>) -> Result<Deleted> {
    const USERS: &str = "select count(*) from reports where template_id = $1";
    const DELETE: &str = "delete from report_templates where id = $1 and builtin is null";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Read inside the write transaction: on SQLite it holds the write lock,
        // on Postgres the foreign key (on delete restrict) stops a report added
        // meanwhile, so a template in use is never deleted either way.
        let users: i64 = sqlx::query_scalar(USERS).bind(id).fetch_one(&mut *tx).await?;
        if users > 0 {
            return Ok(Deleted::InUse(users));
        }
        let n = sqlx::query(DELETE).bind(id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(Deleted::NotFound);
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(Deleted::Yes)
    })
}
