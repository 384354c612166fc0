-- The error cases no build has decided yet: those int_error_categories does
-- not hold, or every case when it is about to be rebuilt whole (its inputs
-- changed, or --full-refresh). The rules and the open-world check read only
-- these, so a build decides each case once and an interrupted or partial
-- build leaves nothing undecided for the next one to miss. Derived from what
-- int_error_categories holds, not from which build added a case; read
-- without ref(), since int_error_categories is downstream.
{%- set decided = relation_unless_rebuilt('int_error_categories') %}

with

error_cases as (

    select * from {{ ref('int_error_cases') }}

),

{% if decided is not none %}

    decided_cases as (

        select error_case_key
        from {{ decided }}

    ),

{% endif %}

final as (

    select
        error_cases.error_case_key,
        error_cases.image_id,
        error_cases.predicted_class_id,
        error_cases.label_class_id,
        error_cases.is_problematic,
        error_cases.is_checked_against_label,
        error_cases.added_at,
        error_cases.inputs_fingerprint

    from error_cases
    {% if decided is not none %}
        left join decided_cases
            on error_cases.error_case_key = decided_cases.error_case_key
        where decided_cases.error_case_key is null
    {% endif %}

)

select * from final
