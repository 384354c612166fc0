-- The reference's per-model figures under this project's names: category
-- counts renamed to our categories, pre-training data to timm's tag words.
with

source as (

    select * from {{ source_or_empty('ingest', 'reference_model_stats') }}

),

renamed as (

    select
        model_dir_id as model_id,
        class_group,
        -- The reference's `arch` (convnext, vit, ...) is what timm's module,
        -- our architecture_family, names; its `arch_family` is the type.
        arch as architecture,
        arch as architecture_family,
        arch_family as architecture_type,
        arch_group as architecture_group,
        num_params as parameter_count,
        training_data,
        case
            when training_data like 'ImageNet-1k%' then 'in1k'
            when training_data like 'ImageNet-21k%' then 'in21k'
            when training_data like 'LAION-2B%' then 'laion2b'
            when training_data like 'LAION-400M%' then 'laion400m'
            when training_data like 'Instagram%' then 'ig'
            when training_data like 'JFT%' then 'jft300m'
            when training_data like 'WIT%' then 'openai'
            when training_data like 'Flickr YFCC%' then 'yfcc'
            else lower(training_data)
        end as pretraining_data,
        extra_annotations,
        imagenet_top1_val_acc as imagenet_top1_accuracy,
        imagenet_mla_val_acc as imagenet_mla,
        num_group_samples as num_samples,
        num_group_correct as num_top1_correct,
        num_group_top1_errors as num_top1_errors,
        mla_group as mla,
        mla_group_minor_error as mla_minor_errors_correct,
        mla_group_explainable_error as mla_minor_explainable_errors_correct,
        num_collapsed_mappings as num_overlapping_classes,
        num_ambiguous as num_multi_label,
        num_same_superclass as num_fine_grained,
        num_oov_clip as num_fine_grained_oov,
        num_common_co_occ as num_spurious_correlation,
        num_non_prototypical,
        num_not_classified as num_model_failure,
        num_group_imagenet_m_samples as num_imagenet_m_samples,
        num_imagenet_m_errors

    from source

)

select * from renamed
