import './chat.css';
document.body.textContent = 'Codex';
