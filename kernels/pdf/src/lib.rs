//! Placeholder: the kernel is being written (see its issue).

ligero_abi::export_abi!("scalar");
