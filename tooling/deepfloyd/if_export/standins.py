"""Tiny randomly initialised IF look-alikes: build them as diffusers snapshots, export them with the same code path as
real weights, and record diffusers' own IFPipeline / IFSuperResolutionPipeline outputs on them as test fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import torch

SEED = 20261123
STAGE1_SIZE = 16  # real IF: 64
STAGE2_SIZE = 64  # real IF: 256 (same x4 factor)
TEXT_DIM = 32  # real IF: 4096
TOKENIZER_VOCAB = 96

# Stage I: the IF-I layout (ResnetDownsample + SimpleCrossAttn blocks, text_proj, text addition embedding,
# scale_shift resnets, gelu), two levels instead of four and 16/32 channels instead of 704..2816.
STAGE1_UNET = dict(
    sample_size=STAGE1_SIZE,
    in_channels=3,
    out_channels=6,
    down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D"),
    up_block_types=("SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"),
    block_out_channels=(16, 32),
    layers_per_block=1,
    cross_attention_dim=32,
    attention_head_dim=8,
    encoder_hid_dim=TEXT_DIM,
    encoder_hid_dim_type="text_proj",
    addition_embed_type="text",
    addition_embed_type_num_heads=4,
    mid_block_type="UNetMidBlock2DSimpleCrossAttn",
    cross_attention_norm="group_norm",
    act_fn="gelu",
    resnet_time_scale_shift="scale_shift",
    norm_num_groups=8,
    upcast_attention=False,
    use_linear_projection=False,
)

# Stage II: the IF-II layout (6 input channels, noise-level "timestep" class embedding, skip-time-act resnets,
# 1/sqrt(2) output scaling) at 16/32 channels.
STAGE2_UNET = dict(
    STAGE1_UNET,
    sample_size=STAGE2_SIZE,
    in_channels=6,
    class_embed_type="timestep",
    layers_per_block=(1, 1),
    resnet_skip_time_act=True,
    resnet_out_scale_factor=1.41421,
    mid_block_scale_factor=1.41421,
)

TEXT_ENCODER = dict(
    vocab_size=TOKENIZER_VOCAB,
    d_model=TEXT_DIM,
    d_kv=8,
    d_ff=64,
    num_layers=2,
    num_heads=4,
    relative_attention_num_buckets=32,
    feed_forward_proj="gated-gelu",  # T5 v1.1
    is_encoder_decoder=False,
    use_cache=False,
    pad_token_id=0,
    eos_token_id=1,
)

# Scheduler configs exactly as diffusers' convert_if.py writes them for stage I and stage II.
STAGE_SCHEDULER = dict(
    variance_type="learned_range",
    beta_schedule="squaredcos_cap_v2",
    prediction_type="epsilon",
    thresholding=True,
    dynamic_thresholding_ratio=0.95,
)


def build_tokenizer(prompts: list[str], out_dir: Path):
    """A T5-style Unigram tokenizer (pad 0, eos 1, unk 2, metaspace, '</s>' appended) trained locally on `prompts`."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import T5TokenizerFast

    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    alphabet = list("abcdefghijklmnopqrstuvwxyz0123456789.,'-!?")
    trainer = trainers.UnigramTrainer(
        vocab_size=TOKENIZER_VOCAB,
        special_tokens=["<pad>", "</s>", "<unk>"],
        unk_token="<unk>",
        initial_alphabet=alphabet,
        show_progress=False,
    )
    tok.train_from_iterator([p for p in prompts if p] * 20, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    # Unigram training is multithreaded and its float scores differ in the last digit between runs; rounding them
    # keeps tokenizer.json byte-identical so regenerating the fixtures is reproducible.
    spec = json.loads(tok.to_str())
    # The trainer also gives alphabet characters absent from the corpus arbitrary, run-dependent scores: pin them
    # to one low score, then sort so the ids are stable too.
    seen = set("".join(prompts))
    vocab = [
        [piece, -20.0 if len(piece) == 1 and piece not in seen else round(score, 6)]
        for piece, score in spec["model"]["vocab"]
    ]
    specials, pieces = vocab[:3], sorted(vocab[3:], key=lambda e: (-e[1], e[0]))
    spec["model"]["vocab"] = specials + pieces
    tok = Tokenizer.from_str(json.dumps(spec))
    if tok.get_vocab_size() > TOKENIZER_VOCAB:
        raise RuntimeError(f"tokenizer vocab {tok.get_vocab_size()} exceeds the stand-in T5 vocab {TOKENIZER_VOCAB}")
    fast = T5TokenizerFast(tokenizer_object=tok, eos_token="</s>", pad_token="<pad>", unk_token="<unk>", extra_ids=0)
    fast.model_max_length = 77
    fast.save_pretrained(str(out_dir))
    return fast


TEXT_GAIN = 0.05


def _calm_text_conditioning(unet) -> None:
    """Scale the text projection down so prompt and null prompt give close outputs, as in a trained model.

    With default random init the conditional and unconditional outputs are unrelated, CFG x7 then makes the noise
    estimate ~13x larger than a trained model's, and float32 rounding differences grow past 1e-4 over 34 steps.
    """
    with torch.no_grad():
        unet.encoder_hid_proj.weight.mul_(TEXT_GAIN)
        unet.encoder_hid_proj.bias.mul_(TEXT_GAIN)


def build_snapshots(work: Path, prompts: list[str]) -> tuple[Path, Path]:
    """Write two diffusers snapshots (stage I with T5 + tokenizer, stage II) under `work`, randomly initialised."""
    from diffusers import DDPMScheduler, IFPipeline, IFSuperResolutionPipeline, UNet2DConditionModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(SEED)
    tokenizer = build_tokenizer(prompts, work / "tokenizer-build")
    text_encoder = T5EncoderModel(T5Config(**TEXT_ENCODER)).eval()
    unet1 = UNet2DConditionModel(**STAGE1_UNET).eval()
    unet2 = UNet2DConditionModel(**STAGE2_UNET).eval()
    for unet in (unet1, unet2):
        _calm_text_conditioning(unet)
    stage1 = IFPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        unet=unet1,
        scheduler=DDPMScheduler(**STAGE_SCHEDULER, sample_max_value=1.5),
        safety_checker=None,
        feature_extractor=None,
        watermarker=None,
        requires_safety_checker=False,
    )
    stage2 = IFSuperResolutionPipeline(
        tokenizer=None,
        text_encoder=None,
        unet=unet2,
        scheduler=DDPMScheduler(**STAGE_SCHEDULER, sample_max_value=1.0),
        image_noising_scheduler=DDPMScheduler(beta_schedule="squaredcos_cap_v2"),
        safety_checker=None,
        feature_extractor=None,
        watermarker=None,
        requires_safety_checker=False,
    )
    dir1, dir2 = work / "IF-I-standin", work / "IF-II-standin"
    stage1.save_pretrained(str(dir1))
    stage2.save_pretrained(str(dir2))
    return dir1, dir2
