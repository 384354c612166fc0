{#
    CTEs `upstream_models`, `refreshed_models` and `models_to_refresh`: the
    models of `upstream` whose predictions were written after those this
    incremental model already holds (all of them on a full build).
#}
{% macro models_to_refresh_ctes(upstream) %}

upstream_models as (

    select
        model_id,
        max(predictions_written_at) as predictions_written_at

    from {{ upstream }}
    group by model_id

),

refreshed_models as (

    {% if is_incremental() %}
        select
            model_id,
            max(predictions_written_at) as predictions_written_at
        from {{ this }}
        group by model_id
    {% else %}
        select
            cast(null as varchar) as model_id,
            cast(null as timestamp with time zone) as predictions_written_at
        where false
    {% endif %}

),

models_to_refresh as (

    select upstream_models.model_id

    from upstream_models
    left join refreshed_models
        on upstream_models.model_id = refreshed_models.model_id
    where
        refreshed_models.model_id is null
        or upstream_models.predictions_written_at > refreshed_models.predictions_written_at

)

{% endmacro %}
