import { createApp } from 'vue'
import App from './App.vue'
import { applyStoredTheme } from './composables/use-theme'
import './styles.css'

applyStoredTheme()
createApp(App).mount('#app')
