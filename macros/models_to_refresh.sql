{#
    Models an incremental model keyed by model_id must (re)build, and those it
    holds that it must drop, from a comparison of the (model_id,
    predictions_fingerprint) pairs it holds (`held`, default `this`) with those
    of its input (`upstream`): a model new or rewritten is refreshed, a model
    rewritten or deleted is dropped. Content, not clocks: a file copied in with
    an old timestamp is still new. Looked up once per node and run, when the
    model runs; on full builds every model is refreshed and none dropped.
#}
{% macro model_fingerprint_changes(upstream, held=none) %}
    {%- set everything = {'refresh': none, 'drop': []} -%}
    {%- if not execute -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set held = held or (this if is_incremental() else none) -%}
    {%- if held is none -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set cache = _fingerprint_cache() -%}
    {%- set key = 'models:' ~ held ~ ':' ~ upstream -%}
    {%- if key not in cache -%}
        {%- set query -%}
            with

            current_models as (
                select distinct model_id, predictions_fingerprint from {{ upstream }}
            ),

            held_models as (
                select distinct model_id, predictions_fingerprint from {{ held }}
            )

            select 'refresh' as change, model_id
            from current_models
            where not exists (
                select 1 from held_models
                where
                    held_models.model_id = current_models.model_id
                    and held_models.predictions_fingerprint = current_models.predictions_fingerprint
            )
            union all
            select 'drop' as change, model_id
            from held_models
            where not exists (
                select 1 from current_models
                where
                    current_models.model_id = held_models.model_id
                    and current_models.predictions_fingerprint = held_models.predictions_fingerprint
            )
            order by change, model_id
        {%- endset -%}
        {%- set changes = {'refresh': [], 'drop': []} -%}
        {%- for row in run_query(query).rows -%}
            {%- do changes[row[0]].append(row[1]) -%}
        {%- endfor -%}
        {{ log("models to refresh in " ~ this.identifier ~ ": " ~ changes.refresh | length
            ~ ", to drop: " ~ changes.drop | length) }}
        {%- do cache.update({key: changes}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{% endmacro %}

{#
    A filter on `column` selecting the models to refresh (above), inlined as a
    literal list: a predicate the database can push into the Parquet scan and
    plan for, where a join against a subquery would read every prediction.
#}
{% macro models_to_refresh_filter(upstream, column='model_id', held=none) %}
    {%- set model_ids = model_fingerprint_changes(upstream, held).refresh -%}
    {%- if model_ids is none -%}
        {{ return('true') }}
    {%- endif -%}
    {{ return(model_id_list_filter(column, model_ids)) }}
{% endmacro %}

{#
    The pre-hook of a model keyed by model_id: drop the models whose
    predictions are gone or were rewritten (model_fingerprint_changes).
#}
{% macro drop_models_gone(upstream) %}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set model_ids = model_fingerprint_changes(upstream).drop -%}
    {%- if model_ids | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {{ return('delete from ' ~ this ~ ' where ' ~ model_id_list_filter('model_id', model_ids)) }}
{% endmacro %}

{% macro model_id_list_filter(column, model_ids) %}
    {%- if model_ids | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for model_id in model_ids -%}
        {%- do quoted.append("'" ~ model_id | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return(column ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}
