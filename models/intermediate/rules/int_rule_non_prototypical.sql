-- Rule 6: experts judged the image a non-prototypical instance of its class.
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

non_prototypical_images as (

    select * from {{ ref('non_prototypical_images') }}

),

final as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id

    from error_cases
    inner join non_prototypical_images
        on error_cases.image_id = non_prototypical_images.image_id

)

select * from final
