-- Confusion of the experts' category against ours, per model: one row per
-- (model, expert category, our category) with its count, and per expert
-- category the agreement rate (percent of its mistakes where our category is
-- its counterpart; null for categories without one), plus the model's
-- agreement over all mistakes whose expert category has a counterpart. The
-- `_on_mistakes` rates count only mistakes that are mistakes for us too (not
-- accepted by our multi-labels, image not problematic): where the two label
-- sets differ, the categories cannot agree.
with

expert_reviews as (

    select * from {{ ref('fct_expert_reviews') }}

),

confusion as (

    select
        model_id,
        expert_category,
        mapped_error_category,
        our_error_category,
        count(*) as num_mistakes

    from expert_reviews
    group by model_id, expert_category, mapped_error_category, our_error_category

),

per_expert_category as (

    select
        model_id,
        expert_category,
        count(*) as num_expert_category_mistakes,
        count(case when is_agreement then 1 end) as num_agreeing,
        count(is_agreement) as num_mapped,
        count(case when is_agreement and is_mistake_for_us then 1 end) as num_agreeing_mistakes,
        count(case when is_mistake_for_us then is_agreement end) as num_mapped_mistakes

    from expert_reviews
    group by model_id, expert_category

),

per_model as (

    select
        model_id,
        count(case when is_agreement then 1 end) as num_model_agreeing,
        count(is_agreement) as num_model_mapped,
        count(case when is_agreement and is_mistake_for_us then 1 end)
            as num_model_agreeing_mistakes,
        count(case when is_mistake_for_us then is_agreement end) as num_model_mapped_mistakes

    from expert_reviews
    group by model_id

),

final as (

    select
        confusion.model_id,
        confusion.expert_category,
        coalesce(confusion.mapped_error_category, 'no_counterpart') as mapped_error_category,
        confusion.our_error_category,
        confusion.num_mistakes,
        per_expert_category.num_expert_category_mistakes,
        {{ percent_of(
            'confusion.num_mistakes', 'per_expert_category.num_expert_category_mistakes'
        ) }}
            as percent_of_expert_category,
        per_expert_category.num_agreeing,
        {{ percent_of('per_expert_category.num_agreeing', 'per_expert_category.num_mapped') }}
            as agreement_rate,
        per_expert_category.num_mapped_mistakes,
        {{ percent_of(
            'per_expert_category.num_agreeing_mistakes',
            'per_expert_category.num_mapped_mistakes'
        ) }}
            as agreement_rate_on_mistakes,
        per_model.num_model_agreeing,
        per_model.num_model_mapped,
        {{ percent_of('per_model.num_model_agreeing', 'per_model.num_model_mapped') }}
            as model_agreement_rate,
        per_model.num_model_mapped_mistakes,
        {{ percent_of(
            'per_model.num_model_agreeing_mistakes', 'per_model.num_model_mapped_mistakes'
        ) }}
            as model_agreement_rate_on_mistakes

    from confusion
    inner join per_expert_category
        on
            confusion.model_id = per_expert_category.model_id
            and confusion.expert_category = per_expert_category.expert_category
    inner join per_model
        on confusion.model_id = per_model.model_id

)

select * from final
