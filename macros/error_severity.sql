{#
    How serious an error category is: correct (not a mistake under multi-label
    accuracy), minor (fine-grained), explainable (the image misleads), or
    unexplained (a real model failure).
#}
{% macro error_severity(category_column) %}
    case
        when {{ category_column }} in (
            'correct', 'overlapping_classes', 'multi_label'
        ) then 'correct'
        when {{ category_column }} in (
            'fine_grained', 'fine_grained_oov', 'problematic_similar_to_label'
        ) then 'minor'
        when {{ category_column }} in (
            'spurious_correlation', 'non_prototypical', 'problematic_cooccurs_with_label'
        ) then 'explainable'
        else 'unexplained'
    end
{% endmacro %}
