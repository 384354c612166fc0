-- How the failure categories of Vasudevan et al. (2022) map onto ours. Their
-- files spell the OOV category two ways. "Fine-grained with Multilabel
-- Options" (one ViT-3B mistake) has no counterpart here: it maps to null and
-- is reported without an agreement rate. Expert categories missing from this
-- list are reported the same way (as unmapped).
with

mapping as (

    select
        'Fine-grained error' as expert_category,
        'fine_grained' as error_category
    union all
    select
        'Fine-grained error with OOV' as expert_category,
        'fine_grained_oov' as error_category
    union all
    select
        'Fine-grained with OOV' as expert_category,
        'fine_grained_oov' as error_category
    union all
    select
        'Spurious Correlation' as expert_category,
        'spurious_correlation' as error_category
    union all
    select
        'Non-prototypical' as expert_category,
        'non_prototypical' as error_category
    union all
    select
        'Fine-grained with Multilabel Options' as expert_category,
        cast(null as varchar) as error_category

),

final as (

    select
        expert_category,
        error_category as mapped_error_category

    from mapping

)

select * from final
