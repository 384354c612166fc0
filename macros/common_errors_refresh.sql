{#
    How agg_common_errors catches up with fct_prediction_errors, decided when
    it runs: 'add' when the errors this run classified are all it lacks (the
    errors it holds plus those equal fct's), so it adds their counts to the
    cases they touch; 'none' when this run classified nothing; 'full' on a
    full build or when the counts disagree, e.g. after a model's predictions
    were rewritten and its old errors left fct.
#}
{% macro common_errors_refresh(prediction_errors) %}
    {%- if not execute or not is_incremental() -%}
        {{ return('full') }}
    {%- endif -%}
    {#- Three scalar queries, each cheap on its own: all errors as the row count
        (table metadata) less the correct ones (a sum over one column; a filter
        or a `count(case ...)` took three times longer), and this run's errors
        with a literal filter that skips the row groups of earlier runs. -#}
    {%- set query -%}
        select
            (select coalesce(sum(num_models), 0) from {{ this }}) as num_errors_held,
            (
                select count(*) - coalesce(sum(cast(is_top1_correct as integer)), 0)
                from {{ prediction_errors }}
            ) as num_errors,
            (
                select count(*)
                from {{ prediction_errors }}
                where classified_at = {{ run_started_timestamp() }} and not is_top1_correct
            ) as num_errors_this_run
    {%- endset -%}
    {%- set counts = run_query(query).rows[0] -%}
    {%- set held, total, this_run = counts[0] | int, counts[1] | int, counts[2] | int -%}
    {%- if held + this_run != total -%}
        {{ log(this.identifier ~ ": holds " ~ held ~ " errors, fct has " ~ total
            ~ " of which " ~ this_run ~ " new; rebuilding it whole", info=true) }}
        {{ return('full') }}
    {%- endif -%}
    {{ return('add' if this_run > 0 else 'none') }}
{% endmacro %}
