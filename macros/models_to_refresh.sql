{#
    A filter on `column` selecting the models an incremental model must
    (re)build: those whose predictions (`int_prediction_batches`) were written
    after the ones it holds. Evaluated when the model runs, and inlined as a
    literal list: a predicate the database can push into the Parquet scan and
    plan for, where a join against a subquery would read every prediction.
    Full builds select every model.
#}
{% macro models_to_refresh_filter(column='model_id') %}
    {#- Referenced unconditionally so dbt records the dependency when parsing. -#}
    {%- set batches = ref('int_prediction_batches') -%}
    {%- if not is_incremental() or not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set query -%}
        select batches.model_id
        from {{ batches }} as batches
        left join (
            select
                model_id,
                max(predictions_written_at) as predictions_written_at
            from {{ this }}
            group by model_id
        ) as held
            on batches.model_id = held.model_id
        where
            held.model_id is null
            or batches.predictions_written_at > held.predictions_written_at
        order by batches.model_id
    {%- endset -%}
    {%- set model_ids = run_query(query).columns[0].values() -%}
    {{ log("models to refresh in " ~ this.identifier ~ ": " ~ model_ids | length) }}
    {%- if model_ids | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for model_id in model_ids -%}
        {%- do quoted.append("'" ~ model_id | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return(column ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}
