//! Ranked matches (to be written).
