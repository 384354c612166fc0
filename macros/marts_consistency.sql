{#
    What must hold between the marts and fct_prediction_errors before a build
    is published, checked over whole tables by a few aggregates (one pass over
    two columns of fct): the summaries count exactly the rows fct holds, and
    no mart counts a model whose predictions are gone. A run that leaves them
    apart (a --select of part of the chain) is not published, and the message
    says what to build. One line per problem; none when all hold.
#}
{% macro marts_consistency_problems() %}
    {%- set names = [
        'fct_prediction_errors', 'agg_common_errors', 'agg_model_error_summary',
        'agg_class_error_profile', 'int_prediction_batches'
    ] -%}
    {%- set relations = {} -%}
    {%- for name in names -%}
        {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ name] -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias or node.name) -%}
        {%- if relation is none -%}
            {{ return([]) }}
        {%- endif -%}
        {%- do relations.update({name: relation}) -%}
    {%- endfor -%}
    {%- set query -%}
        with

        fct as (
            select
                count(*) filter (where not is_top1_correct) as num_errors,
                count(*) filter (where not is_problematic) as num_samples,
                count(*) filter (where not is_problematic and not is_top1_correct)
                    as num_top1_errors
            from {{ relations.fct_prediction_errors }}
        ),

        common_errors as (
            select
                coalesce(sum(num_models), 0) as num_errors,
                coalesce(sum(num_models) filter (
                    where not is_problematic and label_class_id is not null
                ), 0) as num_profiled_errors
            from {{ relations.agg_common_errors }}
        ),

        summary as (
            select
                coalesce(sum(num_samples), 0) as num_samples,
                coalesce(sum(num_top1_errors), 0) as num_top1_errors
            from {{ relations.agg_model_error_summary }}
            where class_group = 'all'
        ),

        profile as (
            select coalesce(sum(num_errors), 0) as num_errors
            from {{ relations.agg_class_error_profile }}
        ),

        models_gone as (
            select count(distinct summary.model_id) as num_models
            from {{ relations.agg_model_error_summary }} as summary
            left join {{ relations.int_prediction_batches }} as batches
                on summary.model_id = batches.model_id
            where batches.model_id is null
        )

        select problem from (
            select
                'agg_common_errors counts ' || common_errors.num_errors
                || ' errors, fct_prediction_errors holds ' || fct.num_errors as problem,
                common_errors.num_errors <> fct.num_errors as failed
            from fct, common_errors
            union all
            select
                'agg_model_error_summary counts ' || summary.num_samples || ' samples and '
                || summary.num_top1_errors || ' top-1 errors, fct_prediction_errors holds '
                || fct.num_samples || ' and ' || fct.num_top1_errors,
                summary.num_samples <> fct.num_samples
                or summary.num_top1_errors <> fct.num_top1_errors
            from fct, summary
            union all
            select
                'agg_class_error_profile counts ' || profile.num_errors
                || ' errors, agg_common_errors ' || common_errors.num_profiled_errors,
                profile.num_errors <> common_errors.num_profiled_errors
            from profile, common_errors
            union all
            select
                'agg_model_error_summary holds ' || models_gone.num_models
                || ' models whose predictions are gone',
                models_gone.num_models > 0
            from models_gone
        )
        where failed
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
