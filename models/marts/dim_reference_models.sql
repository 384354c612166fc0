-- The reference study's model list (models_summary.csv): what each of its 962
-- models is. Its ids are timm/torchvision names; the per-model figures in
-- agg_reference_model_errors use the reference's directory ids instead.
with

reference_models as (

    select * from {{ ref('stg_ingest__reference_models') }}

),

final as (

    select
        model_id,
        reference_index,
        model_source,
        architecture,
        architecture_group,
        architecture_type,
        training_data,
        extra_annotations

    from reference_models

)

select * from final
