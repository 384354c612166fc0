-- The mistakes models share: one row per (image, predicted class) that at
-- least one model got wrong (top-1), with how many models made it, its
-- category, the label and the image's accepted multi-labels, as in the
-- reference's common_error_samples. Incremental: a build that classified new
-- models adds their errors to the cases they touch (delete+insert of those
-- keys) instead of summing fifty million rows again; it is rebuilt whole when
-- its counts no longer add up to fct's (common_errors_refresh: a model
-- rewritten or dropped) or its other inputs changed (inputs_fingerprint).
{%- set refresh = common_errors_refresh(ref('fct_prediction_errors')) %}
{%- set errors_to_count = {
    'add': 'classified_at = ' ~ run_started_timestamp(), 'none': 'false', 'full': 'true'
}[refresh | trim] %}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['image_id', 'predicted_class_id'],
        pre_hook="{% if is_incremental() and common_errors_refresh(ref('fct_prediction_errors'))
            == 'full' %}delete from {{ this }}{% endif %}",
    )
}}

with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}
    where not is_top1_correct and {{ errors_to_count }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

classes as (

    select * from {{ ref('dim_classes') }}

),

error_pairs as (

    select
        image_id,
        predicted_class_id,
        label_class_id,
        is_problematic,
        error_category,
        error_severity,
        count(*) as num_models,
        max(classified_at) as source_classified_at

    from prediction_errors
    group by
        image_id,
        predicted_class_id,
        label_class_id,
        is_problematic,
        error_category,
        error_severity

),

-- What the table holds of the cases this build touches; nothing on a full build.
counted_errors as (

    select
        image_id,
        predicted_class_id,
        num_models

    {% if refresh == 'add' %}
        from {{ this }}
    {% else %}
        from error_pairs
        where false
    {% endif %}

),

accepted_labels as (

    select
        image_id,
        cast(class_id as string) as class_id_text

    from multi_labels
    where is_accepted

),

multi_label_lists as (

    select
        image_id,
        {{ ordered_string_agg('class_id_text', "' '") }} as multi_label_class_ids

    from accepted_labels
    group by image_id

),

final as (

    select
        error_pairs.image_id,
        error_pairs.predicted_class_id,
        predicted.class_name as predicted_class_name,
        error_pairs.label_class_id,
        labelled.class_name as label_class_name,
        multi_label_lists.multi_label_class_ids,
        error_pairs.error_category,
        error_pairs.error_severity,
        error_pairs.is_problematic,
        error_pairs.num_models + coalesce(counted_errors.num_models, 0) as num_models,
        error_pairs.source_classified_at,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

    from error_pairs
    inner join classes as predicted
        on error_pairs.predicted_class_id = predicted.class_id
    left join classes as labelled
        on error_pairs.label_class_id = labelled.class_id
    left join multi_label_lists
        on error_pairs.image_id = multi_label_lists.image_id
    left join counted_errors
        on
            error_pairs.image_id = counted_errors.image_id
            and error_pairs.predicted_class_id = counted_errors.predicted_class_id

)

select * from final
