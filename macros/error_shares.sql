{#
    The non-problematic error categories in the reference's precedence, and
    each one's share of a model's top-1 errors in percent (null when the model
    made none). Shared by the user-model and reference-model marts so their
    columns line up.
#}
{% macro error_categories() %}
    {{ return([
        'overlapping_classes', 'multi_label', 'fine_grained', 'fine_grained_oov',
        'spurious_correlation', 'non_prototypical', 'model_failure'
    ]) }}
{% endmacro %}

{% macro percent_of(numerator, denominator) %}
    100.0 * {{ numerator }} / nullif({{ denominator }}, 0)
{% endmacro %}

{% macro error_share_columns(errors_column='num_top1_errors') %}
    {%- for category in error_categories() %}
        {{ percent_of('num_' ~ category, errors_column) }} as share_{{ category }}
        {{- "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
