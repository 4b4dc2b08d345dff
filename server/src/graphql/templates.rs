//! Report templates: `templates`, `template(id)`, and the mutations of
//! `/api/v1/templates` (create, update, clone, delete).

use async_graphql::{Context, Object};
use server_core::model::{Template, TemplateInput};
use server_core::services::templates;

use super::context::{door, found};

/// The template queries.
#[derive(Default)]
pub struct TemplatesQuery;

#[Object]
impl TemplatesQuery {
    /// Every template, built-in ones first.
    async fn templates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Template>> {
        let (state, caller) = door(ctx)?;
        Ok(templates::list(state, caller).await?.templates)
    }

    /// One template, or `null` when there is none with this id.
    async fn template(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Template>> {
        let (state, caller) = door(ctx)?;
        found(templates::get(state, caller, id).await)
    }
}

/// The template mutations (editors and above, audit-logged).
#[derive(Default)]
pub struct TemplatesMutation;

#[Object]
impl TemplatesMutation {
    /// Adds a template.
    async fn create_template(&self, ctx: &Context<'_>, input: TemplateInput) -> async_graphql::Result<Template> {
        let (state, caller) = door(ctx)?;
        Ok(templates::create(state, caller, &input).await?)
    }

    /// Replaces a template's name, description, category, period and sections.
    async fn update_template(
        &self,
        ctx: &Context<'_>,
        id: i64,
        input: TemplateInput,
    ) -> async_graphql::Result<Template> {
        let (state, caller) = door(ctx)?;
        Ok(templates::update(state, caller, id, &input).await?)
    }

    /// Copies a template under a new name.
    async fn clone_template(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Template> {
        let (state, caller) = door(ctx)?;
        Ok(templates::clone(state, caller, id).await?)
    }

    /// Deletes a template no report uses; `true` once it is gone.
    async fn delete_template(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<bool> {
        let (state, caller) = door(ctx)?;
        templates::delete(state, caller, id).await?;
        Ok(true)
    }
}
