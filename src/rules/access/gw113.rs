use crate::model::{AuthorizationType, Portal, PortalProduct, PublishStatus, RestApi, TryItState};
use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW113, "access/GW113-portal-published-without-auth.toml");

fn label(p: &Portal) -> String {
    match &p.display_name {
        Some(name) => text!("developer portal {name} ({})", p.portal_id),
        None => text!("developer portal {}", p.portal_id),
    }
}

/// One result per published portal: a portal without a Cognito user pool is readable by
/// anyone on the internet (every API, path and parameter it documents). Signed-in readers can
/// still "try it" against an API that needs IAM or an authorizer, which is worth knowing
/// (info) rather than a fault.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for p in ctx.portals(out) {
        let target = ctx.scope.apigateway(&["portals", &p.portal_id], label(p));
        // Only a disabled portal is offline: one whose disabling failed or is in progress is
        // still live, and one being published is about to be.
        match &p.publish_status {
            Some(PublishStatus::Disabled) => continue,
            Some(PublishStatus::Unknown(raw)) => {
                out.undeterminable(
                    target,
                    format_args!(
                        "{} has publish status `{raw}`, a value this gwaudit version does not know",
                        label(p)
                    ),
                );
                continue;
            }
            _ => {}
        }
        if p.cognito_user_pool_arn.is_none() {
            out.fail(
                target,
                format_args!(
                    "{} is published without Cognito authorization: anyone can read its API \
                     catalog",
                    label(p)
                ),
            )
            .evidence("authorization", "none");
            continue;
        }
        let products = match ctx.portal_products_or_reason() {
            Ok(products) => products,
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "{} signs readers in with Cognito; whether its pages let them try \
                         protected APIs is unknown: {reason}",
                        label(p)
                    ),
                );
                continue;
            }
        };
        let Some(apis) = ctx.rest_apis_if_collected() else {
            out.unknown(
                target,
                format_args!(
                    "{} signs readers in with Cognito; whether its \"try it\" pages reach \
                     protected methods is unknown: {}",
                    label(p),
                    ctx.reason(&crate::operations::GET_REST_APIS, None)
                ),
            );
            continue;
        };
        let TryIt {
            protected: try_protected,
            unread,
            not_listed,
            undecided,
            resources_unread,
        } = try_it_on_protected(apis, p, products);
        if !try_protected.is_empty() {
            let f = out.fail(
                target,
                format_args!(
                    "{} signs readers in with Cognito but enables \"try it\" for methods that \
                     require IAM or an authorizer: {}",
                    label(p),
                    try_protected.join(", ")
                ),
            );
            // The catalog's verdict for "try it" on a protected API: worth knowing, no fault.
            f.severity = Severity::Info;
            f.evidence("try_it_on_protected_methods", &try_protected);
        } else if let Some(product) = unread {
            out.unknown(
                target,
                format_args!(
                    "{} signs readers in with Cognito; the pages of its product {product} were \
                     not collected: {}",
                    label(p),
                    ctx.reason(&crate::operations::LIST_PRODUCT_REST_ENDPOINT_PAGES, None)
                ),
            );
        } else if let Some(arn) = not_listed {
            let op = &crate::operations::LIST_PORTAL_PRODUCTS;
            out.unknown_because(
                target,
                format_args!(
                    "{} signs readers in with Cognito; it includes portal product {arn}, which \
                     is not among the collected portal products, so whether its pages let \
                     readers try protected APIs is unknown: {}",
                    label(p),
                    ctx.reason(op, Some(arn))
                ),
                ctx.cause(op, Some(arn)),
            )
            .evidence("portal_product_arn", arn);
        } else if let Some(api) = resources_unread {
            let arn = ctx.scope.rest_api(api).arn.clone();
            let op = &crate::operations::GET_RESOURCES;
            out.unknown_because(
                target,
                format_args!(
                    "{} signs readers in with Cognito; it enables \"try it\" on REST API {} \
                     whose methods were not collected: {}",
                    label(p),
                    api.id,
                    ctx.reason(op, Some(&arn))
                ),
                ctx.cause(op, Some(&arn)),
            );
        } else if !undecided.is_empty() {
            out.undeterminable(
                target,
                format_args!(
                    "{} signs readers in with Cognito; whether its \"try it\" pages reach \
                     protected methods cannot be told: {}",
                    label(p),
                    undecided.join("; ")
                ),
            )
            .evidence("undecided_methods", &undecided);
        } else {
            out.pass(
                target,
                format_args!("{} signs readers in with Cognito", label(p)),
            )
            .evidence("cognito_user_pool_arn", &p.cognito_user_pool_arn);
        }
    }
}

/// What a portal's "try it" pages reach.
struct TryIt<'a> {
    /// Pages with "try it" on a REST method that needs IAM, a Lambda or a Cognito authorizer.
    protected: Vec<String>,
    /// The first included product whose pages were not collected.
    unread: Option<String>,
    /// The first included product (ARN) missing from the collected products.
    not_listed: Option<&'a str>,
    /// Pages with "try it" on a method whose authorization type, or with a "try it" state,
    /// this version does not know.
    undecided: Vec<String>,
    /// The first REST API a "try it" page is on whose resources were not collected.
    resources_unread: Option<&'a RestApi>,
}

fn try_it_on_protected<'a>(
    apis: &'a [RestApi],
    portal: &'a Portal,
    products: &[PortalProduct],
) -> TryIt<'a> {
    // A product the portal includes but the list lacks is never read as having no pages.
    let listed =
        |arn: &String| (products.iter()).any(|pr| pr.portal_product_arn.as_ref() == Some(arn));
    let mut found = TryIt {
        protected: Vec::new(),
        unread: None,
        not_listed: (portal.included_portal_product_arns.iter())
            .find(|arn| !listed(arn))
            .map(String::as_str),
        undecided: Vec::new(),
        resources_unread: None,
    };
    let included = products.iter().filter(|pr| {
        pr.portal_product_arn
            .as_ref()
            .is_some_and(|arn| portal.included_portal_product_arns.contains(arn))
    });
    for product in included {
        let Some(pages) = &product.rest_endpoint_pages else {
            found
                .unread
                .get_or_insert(product.portal_product_id.clone());
            continue;
        };
        for page in pages {
            if page.try_it_state == Some(TryItState::Disabled) {
                continue;
            }
            // A page that does not say what it tries, or whether, is never read as harmless.
            let (Some(api_id), Some(method), Some(path)) =
                (&page.rest_api_id, &page.method, &page.path)
            else {
                found.undecided.push(text!(
                    "page {} of product {} names no REST API, method or path",
                    page.page_id,
                    product.portal_product_id
                ));
                continue;
            };
            match &page.try_it_state {
                Some(TryItState::Enabled) => {}
                Some(TryItState::Unknown(raw)) => {
                    found.undecided.push(text!(
                        "{method} {path} of REST API {api_id}: \"try it\" state `{raw}`, a \
                         value this gwaudit version does not know"
                    ));
                    continue;
                }
                Some(TryItState::Disabled) => continue,
                None => {
                    found.undecided.push(text!(
                        "{method} {path} of REST API {api_id}: the page has no \"try it\" state"
                    ));
                    continue;
                }
            }
            // An API the list lacks (deleted since, or lost to a failed call) is never read as
            // one with no protected method.
            if !apis.iter().any(|a| &a.id == api_id) {
                found.undecided.push(text!(
                    "{method} {path} of REST API {api_id}: the API is not among the collected \
                     REST APIs"
                ));
                continue;
            }
            // A method list not collected is never read as "no such method".
            if let Some(api) = apis
                .iter()
                .find(|a| &a.id == api_id && a.resources.is_none())
            {
                found.resources_unread.get_or_insert(api);
                continue;
            }
            // An `ANY` method answers every verb of its path.
            let types = apis
                .iter()
                .filter(|a| &a.id == api_id)
                .flat_map(|a| a.methods())
                .filter(|(r, m)| {
                    &r.path == path
                        && (m.http_method.eq_ignore_ascii_case(method)
                            || m.http_method.eq_ignore_ascii_case("ANY"))
                })
                .map(|(_, m)| &m.authorization_type);
            let page_label = text!("{method} {path} of REST API {api_id}");
            let mut unknown = None;
            let mut protected = false;
            for t in types {
                match t.unknown_reason() {
                    Some(why) => unknown = unknown.or(Some(why)),
                    None => protected |= *t != AuthorizationType::None,
                }
            }
            if protected {
                found.protected.push(page_label);
            } else if let Some(why) = unknown {
                found.undecided.push(text!("{page_label}: {why}"));
            }
        }
    }
    found
}
