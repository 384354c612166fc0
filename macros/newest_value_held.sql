{#
    In an incremental run, the largest value of `column` this model already
    holds, looked up when the model runs (none on full builds or when empty).
    Models inline it as a literal so the database can skip older Parquet row
    groups, which a comparison with a subquery would not let it do.
#}
{% macro newest_value_held(column) %}
    {%- if not is_incremental() or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query('select max(' ~ column ~ ') from ' ~ this) -%}
    {{ return(result.columns[0].values()[0]) }}
{% endmacro %}
